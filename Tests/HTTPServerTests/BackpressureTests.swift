#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// Flow control towards a client that does not read (RFC 9112 §9.3.2 allows pipelining, not unbounded
/// buffering): the server must stop reading, and so stop answering, once its output passes its high-water
/// mark, and go on once the client reads.
@Suite struct BackpressureTests {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        var current: Int { value.load(ordering: .relaxed) }
    }

    /// Waits until `counter` stops moving (or reaches `ceiling`), polling; returns its value.
    private func settledValue(of counter: Counter, ceiling: Int) -> Int {
        var last = -1
        for _ in 0..<50 where counter.current != last && counter.current < ceiling {
            last = counter.current
            usleep(200_000)
        }
        return counter.current
    }

    /// Inline routes (answered on the connection's queue, as `/healthz` is) used to be answered one after
    /// another from the buffered input with no check of the output queued: a client that pipelined
    /// requests without reading made the server hold every answer in memory.
    @Test func rfc9112_9_3_2_pipelinerThatDoesNotReadIsNotAnsweredWithoutBound() throws {
        let answered = Counter()
        let blob = [UInt8](repeating: 0x61, count: 64 << 10)
        var router = Router()
        router.add("GET", "/blob", inline: .always) { _ in
            answered.value.add(1, ordering: .relaxed)
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: blob)
        }
        let requests = 400  // 25 MiB of answers: far more than the high-water mark plus the socket buffers.
        try withServer(router: router) { _, port in
            let client = try RawClient(port: port, timeout: 10)
            try client.send(String(repeating: get("/blob"), count: requests))
            let whileNotReading = settledValue(of: answered, ceiling: requests)
            #expect(whileNotReading < requests, "every answer was queued although the client read none")
            // Reading lets the server go on, and every request is still answered, in order and complete.
            for _ in 0..<requests {
                let response = try client.readResponse()
                #expect(response.status == 200 && response.body.count == blob.count)
            }
            #expect(answered.current == requests)
        }
    }
}
