import Dispatch
import Logging
import Synchronization

/// What every connection of one server shares: configuration, the request policy (`RequestDispatcher`, which owns
/// the worker pool and the budgets), metrics and the registry of open connections. Immutable apart from the
/// registry and the budgets, which guard themselves.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let dispatcher: RequestDispatcher
    let logger: Logger
    let metrics: ServerMetrics
    let encoder: ResponseEncoder
    let registry: ConnectionRegistry
    /// Whether any protocol is recognised by its first bytes, so connections must look before parsing.
    let hasPrefaces: Bool

    init(configuration: HTTPServerConfiguration, router: Router, middleware: [HTTPMiddleware], logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        metrics = ServerMetrics()
        dispatcher = RequestDispatcher(router: router, middleware: middleware, configuration: configuration,
                                       metrics: metrics, logger: logger)
        encoder = ResponseEncoder(dateCache: DateCache())
        registry = ConnectionRegistry(metrics: metrics)
        hasPrefaces = configuration.protocols.contains { $0.preface != nil }
    }

    var pool: WorkerPool { dispatcher.pool }
    var bodyBudget: ByteBudget { dispatcher.bodyBudget }
    var responseBudget: ByteBudget { dispatcher.responseBudget }
}

/// The open connections, so the server can count them, sweep their deadlines and shut them down.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [Int: Connection] = [:]
        var nextID = 0
        /// Connections being refused (past the limit): tracked for their deadlines, not counted as open.
        var refusing = 0
        var onEmpty: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    private let metrics: ServerMetrics

    init(metrics: ServerMetrics) { self.metrics = metrics }

    /// Connections open and counted against `maxConnections`.
    var openCount: Int { state.withLock { $0.connections.count - $0.refusing } }

    /// Registers a connection built by `make` with a fresh id. A refusing connection (past the limit) is
    /// tracked but not counted as open.
    func add(refusing: Bool, make: (Int) -> Connection) -> Connection {
        let (connection, open) = state.withLock { state in
            state.nextID += 1
            let connection = make(state.nextID)
            state.connections[state.nextID] = connection
            if refusing { state.refusing += 1 }
            return (connection, state.connections.count - state.refusing)
        }
        metrics.openConnections.record(open)
        return connection
    }

    func remove(_ connection: Connection) {
        let (open, onEmpty): (Int, (@Sendable () -> Void)?) = state.withLock { state in
            guard state.connections.removeValue(forKey: connection.id) != nil else { return (-1, nil) }
            if connection.isRefusal { state.refusing -= 1 }
            let onEmpty = state.connections.isEmpty ? state.onEmpty : nil
            if onEmpty != nil { state.onEmpty = nil }
            return (state.connections.count - state.refusing, onEmpty)
        }
        if open >= 0 { metrics.openConnections.record(open) }
        onEmpty?()
    }

    /// Chooses the connection idle the longest (an idle keep-alive connection, or one that has sent nothing
    /// since accept) and asks it to close, to admit a new connection into a full table; false when every
    /// connection is busy. One client opening sockets and sending nothing then only displaces its own oldest
    /// sockets, and new clients, health probes included, still get in. O(open connections), paid only when
    /// the table is full.
    func evictLongestIdle() -> Bool {
        let candidates = all
        var chosen: Connection?
        var oldest = UInt64.max
        for connection in candidates where !connection.isRefusal {
            let since = connection.idleSince.load(ordering: .relaxed)
            if since != 0 && since < oldest && !connection.evicting.load(ordering: .relaxed) {
                oldest = since
                chosen = connection
            }
        }
        guard let chosen, chosen.evicting.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        else { return false }
        chosen.loop.execute { chosen.evictIfIdle() }
        return true
    }

    /// A snapshot of every connection.
    var all: [Connection] { state.withLock { Array($0.connections.values) } }

    /// Calls `body` once no connection is left (now, if none is).
    func whenEmpty(_ body: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state in
            if state.connections.isEmpty { return true }
            state.onEmpty = body
            return false
        }
        if runNow { body() }
    }
}

/// Carries a Dispatch object across threads. Dispatch sources are thread-safe (their methods may be called
/// from any thread) but not annotated `Sendable` in the Swift overlay.
struct DispatchObjectBox<Object>: @unchecked Sendable {
    let object: Object
}
