/// A campaign that could not run as planned (not a finding about binlogo: those go into the report).
public struct CampaignError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
