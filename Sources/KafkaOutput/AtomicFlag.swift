import Synchronization

/// A flag several threads may set and read (librdkafka's callbacks set it, the committing thread reads it).
final class AtomicFlag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set(_ newValue: Bool = true) {
        value.store(newValue, ordering: .releasing)
    }
}
