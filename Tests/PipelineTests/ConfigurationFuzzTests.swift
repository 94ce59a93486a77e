import Foundation
import Pipeline
import TestBench
import Testing

/// Mutated configuration files fed to the loader: it may only accept them or reject them with a
/// one-line error naming the file, never crash or hang. CI runs 20k cases;
/// `BINLOGO_CONFIG_FUZZ_CASES` and `BINLOGO_CONFIG_FUZZ_SEED` run longer campaigns.
@Suite struct ConfigurationFuzzTests {
    /// Characters that mean something to YAML, or to binlogo's values.
    private static let alphabet = Array(":-{}[],\"'#&*!|>%@`\n\t ?.0123456789abcxyz_/\\".utf8) + [0xC3, 0xA9, 0xFF]

    @Test func mutatedConfigurationsAreAcceptedOrRejectedInOneLine() throws {
        let seeds = try [ConfigurationTests.root.appendingPathComponent("config/binlogo.yaml").path,
                         ConfigurationTests.root.appendingPathComponent("config/pipelines.d/shop.yaml").path]
            .map { try String(contentsOfFile: $0, encoding: .utf8) }
            + ConfigurationCorpus.cases.filter { $0.yaml.utf8.count < 10_000 }.map(\.yaml)
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["BINLOGO_CONFIG_FUZZ_CASES"].flatMap(Int.init) ?? 20_000
        let seed = environment["BINLOGO_CONFIG_FUZZ_SEED"].flatMap(UInt64.init) ?? 0xc0f1_6
        var random = ConfigurationMutator(seed: seed)
        // No pipelines.d beside this path: each case is one file.
        let path = "/nonexistent/binlogo-fuzz/binlogo.yaml"
        var accepted = 0, rejected = 0
        for _ in 0..<cases {
            let text = random.mutate(Array(seeds[random.below(seeds.count)].utf8), alphabet: Self.alphabet)
            do {
                _ = try ConfigurationLoader.load(text: String(decoding: text, as: UTF8.self), path: path)
                accepted += 1
            } catch {
                rejected += 1
                if error.file != path || error.description.contains("\n") || error.message.isEmpty {
                    Issue.record("not a one-line error naming the file: \(error.description)")
                    return
                }
            }
        }
        print("configuration fuzz: \(cases) cases (seed \(seed)): \(accepted) accepted, \(rejected) rejected")
        #expect(rejected > cases / 2, "most mutations break the file")
        #expect(accepted > 0, "some mutations leave a valid file (comments, values)")
    }
}

/// Byte-level mutations: replace, insert, delete, duplicate a line, truncate.
struct ConfigurationMutator {
    private var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(max(1, bound))) }

    mutating func mutate(_ input: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + below(4)) {
            let at = below(bytes.count + 1)
            switch below(5) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = alphabet[below(alphabet.count)]
            case 1: bytes.insert(alphabet[below(alphabet.count)], at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(min(at, bytes.count - 1)..<min(bytes.count, at + 1 + below(8)))
            case 3:
                let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                let line = lines[below(lines.count)]
                bytes.insert(contentsOf: Array(line) + [UInt8(ascii: "\n")], at: bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }
}

/// Found by the fuzz loop: a value quoted in an error must not break the error over lines.
@Test func anErrorQuotingAMultiLineValueStaysOneLine() throws {
    let error = try #require(throws: ConfigurationError.self) {
        _ = try ConfigurationLoader.load(text: "\"nodename\\nx\"\n", path: "/nonexistent/binlogo.yaml")
    }
    #expect(!error.description.contains("\n"))
    #expect(error.description.contains("nodename\\nx"), "\(error.description)")
}
