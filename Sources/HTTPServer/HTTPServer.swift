#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization

/// An HTTP/1.1 server on non-blocking POSIX sockets, epoll and Dispatch.
///
/// Each connection belongs to one of the process's event loops (`EventLoop`, one thread per core), which reads
/// and writes its socket (idle connections cost memory, not threads);
/// responders run on a bounded worker pool; a sweep timer enforces read, write and idle timeouts.
/// Lifecycle: `start()`, then `shutdown(deadline:)` and `waitUntilStopped()`.
public final class HTTPServer: Sendable {
    private enum Phase { case created, running, stopping, stopped }

    private struct State {
        var phase = Phase.created
        var listenerFD: Int32 = -1
        var acceptSource: DispatchObjectBox<DispatchSourceRead>?
        var sweepTimer: DispatchObjectBox<DispatchSourceTimer>?
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let state = Mutex(State())
    private let acceptQueue = DispatchQueue(label: "http.accept", qos: .userInitiated)
    /// Left once the server has stopped; `waitUntilStopped` waits on it.
    private let stopped = DispatchGroup()
    /// Signalled once the listening socket is closed.
    private let listenerClosed = DispatchSemaphore(value: 0)

    /// Creates a server that answers with `router`'s routes, `middleware` around them (the first outermost), by
    /// the one request policy of both protocols (`RequestDispatcher`). Nothing listens until `start()`.
    public init(
        configuration: HTTPServerConfiguration,
        router: Router,
        middleware: [HTTPMiddleware] = [],
        logger: Logger = Logger(label: "HTTPServer")
    ) {
        self.configuration = configuration
        context = ServerContext(configuration: configuration, router: router, middleware: middleware, logger: logger)
    }

    /// Creates a server that answers every request, whatever its method and path, with `responder`, on the
    /// worker pool. Nothing listens until `start()`.
    public convenience init(
        configuration: HTTPServerConfiguration,
        responder: @escaping HTTPResponder,
        logger: Logger = Logger(label: "HTTPServer")
    ) {
        self.init(configuration: configuration, router: Router(answeringEverythingWith: responder), logger: logger)
    }

    /// Connections currently open (refused ones excluded).
    public var openConnectionCount: Int { context.registry.openCount }

    /// Connections a full table could evict now (idle or silent); for tests.
    var idleConnectionCount: Int {
        context.registry.all.filter { $0.idleSince.load(ordering: .relaxed) != 0 }.count
    }

    /// The response budget all connections share; tests read its `reserved` bytes.
    var responseBudget: ByteBudget { context.responseBudget }

    /// The request-body budget all connections share; tests read its `reserved` bytes.
    var bodyBudget: ByteBudget { context.bodyBudget }

    /// Binds, listens and starts accepting. Returns the bound port (useful with port 0).
    /// Throws `SocketError` if the address cannot be bound; traps if called twice.
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)  // Writes use MSG_NOSIGNAL; this covers anything else on a closed socket.
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port,
                                          backlog: configuration.backlog)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [self] in acceptPending(fd) }
        source.setCancelHandler { [listenerClosed] in
            _ = Glibc.close(fd)
            listenerClosed.signal()
        }
        let timer = DispatchSource.makeTimerSource(queue: acceptQueue)
        let interval = sweepInterval()
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(2))
        timer.setEventHandler { [context] in Self.sweep(context.registry) }
        state.withLock { state in
            precondition(state.phase == .created, "HTTPServer.start() called twice")
            state.phase = .running
            state.listenerFD = fd
            state.acceptSource = DispatchObjectBox(object: source)
            state.sweepTimer = DispatchObjectBox(object: timer)
        }
        stopped.enter()
        source.activate()
        timer.activate()
        context.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        return port
    }

    /// Stops accepting, lets requests in flight finish (their responses carry `Connection: close`),
    /// closes idle connections at once, asks taken-over connections to finish, and force-closes whatever
    /// is left after `deadline`. Returns once the listening socket is closed (connects are refused from then
    /// on), without waiting for connections; `waitUntilStopped()` returns when all is closed. Safe to call
    /// more than once and from any thread but the server's own queues.
    public func shutdown(deadline: Duration) {
        // On the accept queue, so that no connection is accepted after the snapshot below.
        let stoppedAccepting = acceptQueue.sync { [self] () -> Bool in
            let source = state.withLock { state -> DispatchObjectBox<DispatchSourceRead>? in
                guard state.phase == .running else { return nil }
                state.phase = .stopping
                return state.acceptSource
            }
            guard let source else { return false }
            source.object.cancel()
            let registry = context.registry
            context.logger.info("shutting down", metadata: ["open_connections": "\(registry.openCount)"])
            for connection in registry.all {
                connection.loop.execute { connection.beginGracefulShutdown() }
            }
            acceptQueue.asyncAfter(deadline: .now() + deadline.dispatchInterval) {
                for connection in registry.all {
                    connection.loop.execute { connection.close(.immediate) }
                }
            }
            registry.whenEmpty { [self] in finishStopping() }
            return true
        }
        // The listening socket is closed by the source's cancel handler; once it is, connects are refused.
        if stoppedAccepting { listenerClosed.wait() }
    }

    /// Blocks until the server has stopped after `shutdown(deadline:)`; returns at once if it never started.
    public func waitUntilStopped() {
        stopped.wait()
    }

    private func finishStopping() {
        let timer = state.withLock { state -> DispatchObjectBox<DispatchSourceTimer>? in
            guard state.phase == .stopping else { return nil }
            state.phase = .stopped
            return state.sweepTimer
        }
        guard let timer else { return }
        timer.object.cancel()
        context.pool.stop()
        context.logger.info("stopped")
        stopped.leave()
    }

    // MARK: Accepting

    private func acceptPending(_ listener: Int32) {
        while true {
            switch Socket.accept(listener) {
            case nil:
                return
            case .failure(let error):
                // Out of descriptors: pause accepting briefly rather than spin on a readable listener.
                context.logger.notice("accept failed", metadata: ["error": "\(error)"])
                if let source = state.withLock({ $0.acceptSource }) {
                    source.object.suspend()
                    acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { source.object.resume() }
                }
                return
            case .success(let fd):
                let refusing = context.registry.openCount >= configuration.maxConnections
                    && !context.registry.evictLongestIdle()
                let context = context
                let client = refusing ? "" : Socket.peerAddress(fd)  // Outside the registry's lock.
                let connection = context.registry.add(refusing: refusing) { id in
                    Connection(id: id, fd: fd, context: context, isRefusal: refusing, client: client)
                }
                connection.start()
            }
        }
    }

    // MARK: Timeouts

    /// A quarter of the shortest timeout, within 5 ms...1 s: deadlines are enforced to within 25 %.
    private func sweepInterval() -> DispatchTimeInterval {
        let t = configuration.timeouts
        let shortest = [t.requestHead, t.requestBody, t.idle, t.write, t.lingeringClose].min()!.nanoseconds / 4
        return .nanoseconds(Int(min(max(shortest, 5_000_000), 1_000_000_000)))
    }

    /// Wakes the connections whose deadline has passed; the rest cost one atomic load each.
    private static func sweep(_ registry: ConnectionRegistry) {
        let now = DispatchTime.now().uptimeNanoseconds
        for connection in registry.all {
            let due = connection.deadline.load(ordering: .relaxed)
            if due != 0 && due <= now {
                connection.loop.execute { connection.checkTimeout() }
            }
        }
    }
}
