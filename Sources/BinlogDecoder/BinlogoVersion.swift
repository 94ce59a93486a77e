/// binlogo's version, as `binlogo version` prints it and Debezium-format messages carry it (`source.version`).
public enum BinlogoVersion {
    public static let current = "0.1.0-dev"
}
