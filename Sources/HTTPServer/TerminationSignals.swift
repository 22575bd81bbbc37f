#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

extension HTTPServer {
    private static let signalSources = Mutex<[DispatchObjectBox<DispatchSourceSignal>]>([])

    /// Runs `body` on a Dispatch queue when the process receives SIGTERM or SIGINT, instead of dying.
    ///
    /// The signals' default action is disabled first (`SIG_IGN`) so that they are delivered only to the
    /// Dispatch sources. The caller decides what to do, typically: mark not ready, then
    /// `shutdown(deadline:)`, `waitUntilStopped()` and exit 0.
    public static func onTerminationSignal(_ body: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "http.signals")
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: body)
            source.activate()
            return DispatchObjectBox(object: source)
        }
        signalSources.withLock { $0.append(contentsOf: sources) }  // Kept alive for the process's life.
    }
}
