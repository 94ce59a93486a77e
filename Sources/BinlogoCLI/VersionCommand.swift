import ArgumentParser
import BinlogDecoder

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print binlogo's version.")
    func run() {
        print("binlogo \(BinlogoVersion.current)")
        print("allocator: " + (Allocator.jemallocVersion.map { "jemalloc \($0)" } ?? "not jemalloc (another malloc was preloaded)"))
    }
}
