import CRdKafka
import Synchronization
import Foundation
import ThreadNames

/// Owns an `rd_kafka_t` and the thread that polls it for callbacks (delivery reports, errors, logs).
///
/// rd_kafka_poll blocks, so it runs on a `Thread` of its own rather than Swift's cooperative pool.
/// Deinit stops the thread and destroys the handle.
final class RdKafkaClient: Sendable {
    private let box: HandleBox
    private let pollLoop: PollLoop
    /// Kept alive for as long as librdkafka may call back into it.
    private let retained: (any Sendable)?

    var handle: OpaquePointer { box.pointer }

    init(type: rd_kafka_type_t, conf: OpaquePointer, retaining retained: (any Sendable)?) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(kind: .configuration, message: "cannot create a Kafka client: \(String(decodingCString: errorText))")
        }
        self.box = HandleBox(handle)
        self.retained = retained
        self.pollLoop = PollLoop()
        let box = self.box, pollLoop = self.pollLoop
        let thread = Thread {
            nameCurrentThread("binlogo-kpoll")
            pollLoop.run(box.pointer)
        }
        thread.start()
    }

    deinit {
        pollLoop.stop()
        rd_kafka_destroy(box.pointer)
        withExtendedLifetime(retained) {}
    }
}

/// The `rd_kafka_t` pointer; librdkafka handles are thread-safe.
private final class HandleBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// Polls a handle every 100 ms at most until stopped.
private final class PollLoop: Sendable {
    private let running = Atomic(true)
    private let finished = DispatchSemaphore(value: 0)

    func run(_ handle: OpaquePointer) {
        while running.load(ordering: .acquiring) {
            rd_kafka_poll(handle, 100)
        }
        finished.signal()
    }

    /// Returns once the loop has made its last poll.
    func stop() {
        running.store(false, ordering: .releasing)
        finished.wait()
    }
}

