import Foundation

/// Locations in the binlogo checkout and build, found from this source file and the running binary.
enum PackagePaths {
    /// The repository root (the folder holding Package.swift).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestBench
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    static let scripts = root.appendingPathComponent("scripts")

    /// The build products folder of the running test binary or executable (where `binlogo-kafka-mock` is built).
    static var buildProducts: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // Test bundles run as `.../debug/binlogoPackageTests.xctest`; macOS nests them deeper.
        while url.lastPathComponent.hasSuffix(".xctest") || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url
    }
}
