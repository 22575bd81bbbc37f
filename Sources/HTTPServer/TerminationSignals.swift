#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Write end of the self-pipe the signal handler writes to. A plain global with a literal initializer is
/// initialized statically, so reading it inside the handler is async-signal-safe.
nonisolated(unsafe) private var terminationPipeWriteFD: Int32 = -1

extension HTTPServer {
    private static let terminationHandlers = Mutex<[@Sendable () -> Void]>([])
    private static let terminationSource = Mutex<DispatchObjectBox<DispatchSourceRead>?>(nil)

    /// Runs `body` on a Dispatch queue when the process receives SIGTERM or SIGINT, instead of dying.
    /// Several bodies may be registered; each runs on every such signal.
    ///
    /// The caller decides what to do, typically: mark not ready, then `shutdown(deadline:)`,
    /// `waitUntilStopped()` and exit 0.
    ///
    /// Why a self-pipe rather than `DispatchSource.makeSignalSource` after `signal(SIG_IGN)`: on Linux,
    /// Dispatch receives signals through a signalfd, which only sees a signal that is blocked in every
    /// thread; in a process that already has threads (a test runner, a started server) an ignored signal
    /// is simply discarded. A handler that writes one byte to a pipe works whatever the threads' masks.
    public static func onTerminationSignal(_ body: @escaping @Sendable () -> Void) {
        terminationHandlers.withLock { $0.append(body) }
        terminationSource.withLock { source in
            guard source == nil else { return }
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { preconditionFailure("pipe() failed: \(errno)") }
            for fd in fds {
                Socket.setNonBlocking(fd)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            terminationPipeWriteFD = fds[1]
            let readFD = fds[0]
            let reader = DispatchSource.makeReadSource(fileDescriptor: readFD, queue: DispatchQueue(label: "http.signals"))
            reader.setEventHandler {
                var drained = [UInt8](repeating: 0, count: 64)
                _ = read(readFD, &drained, drained.count)
                for handler in terminationHandlers.withLock({ $0 }) { handler() }
            }
            reader.activate()
            source = DispatchObjectBox(object: reader)
            for number in [SIGTERM, SIGINT] {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { _ in
                    var byte: UInt8 = 1
                    _ = write(terminationPipeWriteFD, &byte, 1)
                }
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART
                sigaction(number, &action, nil)
            }
        }
    }
}
