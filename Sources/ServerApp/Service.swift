import Dispatch
import HTTPServer
import Logging
import Synchronization

/// One running service: the HTTP server answering the application's routes plus the operational ones, with
/// request ids, access logs and metrics around every request, and the shutdown sequence.
///
/// Shutdown (`beginShutdown()`, what SIGTERM and SIGINT trigger):
/// 1. `/readyz` answers 503 at once, so that load balancers stop sending new requests;
/// 2. after `shutdownDelay`, the listener closes; requests in flight finish, idle connections close;
/// 3. after at most `drainTimeout` more, whatever is still open is closed, and `waitUntilStopped()` returns.
/// A second call skips what is left of the delay (an impatient operator pressing Ctrl-C twice).
public final class Service: Sendable {
    /// The settings the service runs with.
    public let configuration: ServiceConfiguration
    /// What `/readyz` reports.
    public let readiness: Readiness
    /// The metrics `/metrics` renders.
    public let metrics: ServiceMetrics

    private let server: HTTPServer
    private let logger: Logger
    private let shutdownRequests = Mutex(0)

    /// A service answering `routes` (the application's) and the operational routes (`OperationalRoutes`).
    ///
    /// - Parameters:
    ///   - cacheTotals: read at each scrape of `/metrics` for the compiled-function cache metrics.
    ///   - protocols: alternative protocols the server may hand a connection to (HTTP/2).
    public init(
        configuration: ServiceConfiguration, routes: Router, metrics: ServiceMetrics,
        readiness: Readiness = Readiness(), cacheTotals: OperationalRoutes.CacheTotals? = nil,
        protocols: [any ConnectionProtocolFactory] = [], logger: Logger
    ) {
        self.configuration = configuration
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
        var router = routes
        OperationalRoutes.add(to: &router, readiness: readiness, metrics: metrics, cacheTotals: cacheTotals)
        var serverConfiguration = configuration.serverConfiguration
        serverConfiguration.protocols = protocols
        serverConfiguration.refusalObserver = refusalLogging(logger: logger)
        // The one place middleware composes around the router, for both protocols: ids and logs outermost, so the
        // logged duration includes the metrics' own cost.
        server = HTTPServer(configuration: serverConfiguration, router: router,
                            middleware: [requestLogging(logger: logger), metrics.instrumentation], logger: logger)
    }

    /// Opens the listener and marks the service ready. Returns the bound port (the chosen one for port 0).
    @discardableResult
    public func start() throws -> Int {
        let port = try server.start()
        readiness.markReady()
        let c = configuration.serverConfiguration
        logger.notice("listening on \(c.host):\(port)", metadata: [
            "workers": .stringConvertible(c.workerCount), "queue_depth": .stringConvertible(c.queueDepth),
            "max_connections": .stringConvertible(c.maxConnections),
            "max_body_bytes": .stringConvertible(c.limits.maxBodyBytes),
            "max_buffered_body_bytes": .stringConvertible(c.limits.maxBufferedBodyBytes),
            "max_buffered_response_bytes": .stringConvertible(c.limits.maxBufferedResponseBytes),
            "cache_size": .stringConvertible(configuration.cacheSize),
        ])
        return port
    }

    /// Starts the shutdown sequence (see the type's documentation); returns at once.
    public func beginShutdown() {
        let request = shutdownRequests.withLock { count -> Int in
            count += 1
            return count
        }
        let drain = configuration.drainTimeout
        if request == 1 {
            readiness.markDraining()
            let delay = configuration.shutdownDelay
            logger.notice("stop requested: /readyz now fails", metadata: [
                "shutdown_delay_s": "\(SecondsParser.format(delay))", "drain_timeout_s": "\(SecondsParser.format(drain))",
            ])
            DispatchQueue.global().asyncAfter(deadline: .now() + delay.dispatchInterval) {
                [server, logger] in
                logger.notice("closing the listener, draining in-flight requests")
                server.shutdown(deadline: drain)
            }
        } else if request == 2 {
            logger.notice("second stop request: closing the listener now")
            server.shutdown(deadline: drain)  // Idempotent in HTTPServer: the delayed call then does nothing.
        }
    }

    /// Blocks until the server has stopped after `beginShutdown()`.
    public func waitUntilStopped() {
        server.waitUntilStopped()
        logger.notice("drained, exiting")
    }

    /// Connections currently open.
    public var openConnectionCount: Int { server.openConnectionCount }
}
