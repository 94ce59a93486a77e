// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "binlogo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "binlogo", targets: ["BinlogoCLI"]),
        .executable(name: "binlogo-kafka-mock", targets: ["KafkaMockCluster"]),
        .executable(name: "binlogo-campaign", targets: ["CampaignCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // C libraries from the system (Debian's libmariadb-dev, librdkafka-dev and libzstd-dev), with typed shims.
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),

        // zstd (Debian's libzstd-dev), for MySQL's compressed transactions.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),

        // The daemon's allocator: jemalloc (Debian's libjemalloc-dev), with its settings (Sources/CJemalloc).
        .target(name: "CJemalloc", linkerSettings: [.linkedLibrary("jemalloc")]),

        // CRC-32 by carry-less multiplication (PCLMULQDQ), for the checksums of large events.
        .target(name: "CCRC32"),

        // binlogo's client side of caching_sha2_password and sha256_password (OpenSSL's libcrypto), registered
        // with libmariadb: the server's RSA key is fetched over plain TCP only when the configuration allows it.
        .target(name: "CMySQLAuth", dependencies: ["CMariaDB"], linkerSettings: [.linkedLibrary("crypto")]),

        // Binlog bytes in, row changes and JSON out (Swift; the checksum's fast path in CCRC32, MySQL's
        // compressed transactions through libzstd).
        .target(name: "BinlogDecoder", dependencies: ["CCRC32", "CZstd"]),

        // Names the daemon's own threads for top -H and perf.
        .target(name: "ThreadNames"),

        // Reading half of a pipeline: libmariadb connection and binlog stream.
        .target(
            name: "MySQLSource",
            dependencies: ["CMariaDB", "CMySQLAuth", "BinlogDecoder", "ThreadNames", .product(name: "Logging", package: "swift-log")]
        ),

        // Writing half of a pipeline: librdkafka producers.
        .target(name: "KafkaOutput", dependencies: ["CRdKafka", "ThreadNames"]),

        // The pipeline engine: routing, filtering, the bounded queue, checkpoints.
        .target(
            name: "Pipeline",
            dependencies: [
                "BinlogDecoder", "MySQLSource", "KafkaOutput", "ThreadNames",
                .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        // The daemon and its command line.
        .executableTarget(
            name: "BinlogoCLI",
            dependencies: [
                "CJemalloc", "BinlogDecoder", "MySQLSource", "KafkaOutput", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Hosts librdkafka's Kafka-protocol mock cluster in a process of its own for tests, demo and benchmarks.
        .executableTarget(
            name: "KafkaMockCluster",
            dependencies: ["CRdKafka", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Test bench: sandbox MariaDB, mock cluster process, a consumer that reads topics back.
        .target(name: "TestBench", dependencies: ["CRdKafka", "MySQLSource", "BinlogDecoder"]),

        // Reliability campaigns: a writer whose every committed change is known, faults, and a checker
        // of what reached Kafka; run short by the tests and long by `binlogo-campaign`.
        .target(name: "ReliabilityCampaigns", dependencies: ["TestBench", "MySQLSource"]),
        .executableTarget(
            name: "CampaignCommand",
            dependencies: ["ReliabilityCampaigns", "TestBench", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(
            name: "BinlogDecoderTests",
            dependencies: ["BinlogDecoder", "TestBench", "MySQLSource", "CZstd"]
        ),
        .testTarget(
            name: "MySQLSourceTests",
            dependencies: ["MySQLSource", "BinlogDecoder", "TestBench", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "KafkaOutputTests",
            dependencies: ["KafkaOutput", "Pipeline", "BinlogDecoder", "MySQLSource", "TestBench", "CRdKafka"]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "KafkaOutput", "MySQLSource", "TestBench", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")]
        ),
        .testTarget(
            name: "BinlogoCLITests",
            dependencies: ["TestBench", "MySQLSource"]
        ),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: ["ReliabilityCampaigns", "TestBench"]
        ),
        .testTarget(
            name: "BinlogoSmokeTests",
            dependencies: ["TestBench", "MySQLSource", "KafkaOutput", "CMariaDB", "CRdKafka"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
