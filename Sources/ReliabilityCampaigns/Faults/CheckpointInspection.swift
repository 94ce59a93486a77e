import Foundation
import MySQLSource
import TestBench

extension CampaignBench {
    var checkpointPath: String { daemon.stateDirectory + "/\(Self.pipelineName).position.json" }

    /// Notes a finding unless the checkpoint file is absent or a whole, parseable position.
    func checkCheckpointIsWhole(_ contents: Data?, round: Int) {
        guard let contents else { return }
        if (try? JSONDecoder().decode(SourcePosition.self, from: contents)) == nil {
            note("round \(round): torn or corrupt checkpoint (\(contents.count) bytes): \(String(decoding: contents, as: UTF8.self))")
        }
    }

    /// The checkpoint file's inode: every write renames a new file over the old one.
    var checkpointInode: UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: checkpointPath))?[.systemFileNumber] as? UInt64
    }
}

extension DaemonProcess {
    /// Runs `command` in the daemon's mount namespace and returns its output; a non-zero exit is an
    /// error naming `purpose`.
    @discardableResult
    func inStateNamespace(_ command: String, expecting purpose: String) throws -> String {
        let result = try inStateNamespace(command)
        guard result.status == 0 else {
            throw CampaignError("could not \(purpose) (`\(command)` exited \(result.status)): \(result.standardError)")
        }
        return result.standardOutput
    }
}
