#if canImport(Glibc)
import Glibc
#endif

/// Checks `condition` every 10 ms until it holds or `seconds` have passed; returns whether it held. For state
/// the server updates on its own queues after a client's last action (a close, a reset), which a test cannot
/// otherwise wait for. Not a timing measurement: the deadline only keeps a broken server from hanging the test.
public func waitUntil(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    for _ in 0..<max(1, Int(seconds * 100)) {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
