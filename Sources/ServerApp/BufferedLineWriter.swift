#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// Log lines gathered in memory and written to a file descriptor by one background thread, in batches.
///
/// Why: the access log writes a line per request, and one `write(2)` per line was a tenth of the CPU profile of
/// the POST path under load (the system call, and the wake-ups of whatever reads the pipe). Here a request only
/// appends its line to a buffer; the writer thread wakes when the buffer stops being empty, waits ten
/// milliseconds for more lines, and writes them all with one call (a pause of one millisecond meant a thousand
/// wake-ups a second under load, each taking a core from the event loops for a moment: the POST path's p99 at 16
/// connections went from 1.2 to 1.0 ms with ten). A line is never split between writes, so a
/// collector that reads lines sees exactly what one write per line gave it.
///
/// The buffer is bounded (`capacity` bytes): when the reader of the descriptor falls behind, lines beyond it are
/// dropped and counted rather than blocking request threads or growing without bound; the next line accepted
/// reports the count to its caller, which says so in the log. `flush()` writes what is buffered synchronously; the
/// service calls it at exit.
final class BufferedLineWriter: Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
    }

    private let descriptor: Int32
    private let capacity: Int
    private let gatherDelay: Duration
    private let pending = Mutex(Pending())
    /// Held while a batch is written, so that `flush()` and the writer thread never interleave their batches.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)

    /// A writer to `descriptor`, holding at most `capacity` bytes of lines not yet written, gathering lines for
    /// `gatherDelay` after the first of a batch.
    init(descriptor: Int32, capacity: Int = 4 << 20, gatherDelay: Duration = .milliseconds(10)) {
        self.descriptor = descriptor
        self.capacity = capacity
        self.gatherDelay = gatherDelay
        Thread.detachNewThread { [self] in runWriter() }
    }

    /// Queues `line` (without its newline) for writing; returns how many lines were dropped, for want of room,
    /// since the last accepted line reported them (zero nearly always).
    @discardableResult
    func append(line: [UInt8]) -> Int {
        let (wasEmpty, dropped) = pending.withLock { pending -> (Bool, Int) in
            guard pending.bytes.count + line.count + 1 <= capacity else {
                pending.dropped += 1
                return (false, 0)
            }
            let wasEmpty = pending.bytes.isEmpty
            pending.bytes.append(contentsOf: line)
            pending.bytes.append(UInt8(ascii: "\n"))
            defer { pending.dropped = 0 }
            return (wasEmpty, pending.dropped)
        }
        // One signal per batch, not per line: the writer drains everything appended before it takes the buffer.
        if wasEmpty { wake.signal() }
        return dropped
    }

    /// Writes every line appended so far, before returning.
    func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending in
                var taken: [UInt8] = []
                swap(&taken, &pending.bytes)
                return taken
            }
            writeAll(bytes)
        }
    }

    private func runWriter() {
        while true {
            wake.wait()
            // Lines of concurrent requests arrive within microseconds of one another: a short pause turns
            // hundreds of writes into one, and keeps a line's delay far below what a log reader notices.
            let (seconds, attoseconds) = gatherDelay.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) * 1e-18)
            flush()
        }
    }

    /// `write(2)` until every byte is out; gives up when the descriptor is closed or broken (dropping a log
    /// line is better than stopping the service).
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
