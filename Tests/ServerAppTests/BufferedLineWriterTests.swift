import Foundation
import Testing

@testable import ServerApp

/// The batched log writer: whole lines, in order, none lost while there is room; a bounded buffer that drops and
/// reports rather than blocking; `flush()` writes synchronously.
@Suite struct BufferedLineWriterTests {
    /// A pipe whose read end is drained into memory by a background thread.
    private final class DrainedPipe: @unchecked Sendable {
        let writeEnd: Int32
        private let readEnd: Int32
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            readEnd = ends[0]
            writeEnd = ends[1]
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = read(readEnd, &buffer, buffer.count)
                    if count <= 0 { break }
                    lock.withLock { bytes.append(contentsOf: buffer[0..<count]) }
                }
                done.signal()
            }
        }

        /// Every line written until now, once the writer has flushed.
        var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }

        func closeAndWait() -> String {
            close(writeEnd)
            done.wait()
            close(readEnd)
            return text
        }
    }

    @Test func linesFromManyThreadsArriveWholeAndNoneIsLost() {
        let pipe = DrainedPipe()
        let writer = BufferedLineWriter(descriptor: pipe.writeEnd)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<2_000 { writer.append(line: Array("thread=\(thread) line=\(index) end".utf8)) }
        }
        writer.flush()
        let lines = pipe.closeAndWait().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")  // Ends with a newline: no partial line.
        let written = lines.dropLast()
        #expect(written.count == 8_000)
        #expect(written.allSatisfy { $0.hasPrefix("thread=") && $0.hasSuffix(" end") })
        for thread in 0..<4 {  // Each thread's lines in the order it wrote them.
            let own = written.filter { $0.hasPrefix("thread=\(thread) ") }
            #expect(own.map(String.init) == (0..<2_000).map { "thread=\(thread) line=\($0) end" })
        }
    }

    @Test func theWriterThreadWritesWithoutAFlush() async throws {
        let pipe = DrainedPipe()
        let writer = BufferedLineWriter(descriptor: pipe.writeEnd)
        writer.append(line: Array("soon".utf8))
        let deadline = ContinuousClock.now + .seconds(5)
        while pipe.text != "soon\n" && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(pipe.text == "soon\n")
        _ = pipe.closeAndWait()
    }

    @Test func aFullBufferDropsLinesAndTheNextAcceptedLineReportsThem() {
        // The writer thread gathers for a minute here, so only `flush()` empties the buffer during the test; it
        // finds the buffer empty when it wakes, and writes nothing to the descriptor closed by then.
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        let writer = BufferedLineWriter(descriptor: null, capacity: 64, gatherDelay: .seconds(60))
        let line = Array(String(repeating: "x", count: 20).utf8)
        #expect(writer.append(line: line) == 0)
        #expect(writer.append(line: line) == 0)
        #expect(writer.append(line: line) == 0)  // 63 bytes with newlines: full.
        #expect(writer.append(line: line) == 0)  // Dropped.
        #expect(writer.append(line: line) == 0)  // Dropped.
        writer.flush()
        #expect(writer.append(line: line) == 2)
        #expect(writer.append(line: line) == 0)
        writer.flush()
    }
}
