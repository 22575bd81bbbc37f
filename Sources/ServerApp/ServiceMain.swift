#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HTTP2Server
import HTTPServer
import JacobianEngine
import Logging

/// What the application adds to the service: its routes, given what it needs to build them.
public struct ServiceContext: Sendable {
    /// The resolved configuration (the API takes its body and batch limits from here).
    public let configuration: ServiceConfiguration
    /// The engine, with the configured limits and cache size; `/metrics` reports its cache.
    public let engine: JacobianEngine
    /// What `/readyz` reports; the API may consult it too.
    public let readiness: Readiness
    /// The process's logger, with the configured level and format.
    public let logger: Logger
}

/// The `jacobian-server` process: command line, logging, metrics, signals, exit status.
///
/// `main.swift` is one call: `ServiceMain.run { context in JacobianAPI(engine: context.engine, ...).router() }`.
public enum ServiceMain {
    /// Parses the command line and environment, then serves (or probes, or prints help) and exits.
    ///
    /// Exit status: 0 after a clean shutdown (also when the drain deadline closed connections) or `--help`;
    /// 1 when the listener cannot be opened or `--healthcheck` fails; 2 for invalid arguments or variables.
    public static func run(
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = processEnvironment(),
        routes: (ServiceContext) -> Router
    ) -> Never {
        switch ServiceCommandLine.outcome(arguments: arguments, environment: environment) {
        case .exit(let code, let message):
            if code == 0 { print(message) } else { printToStandardError(message) }
            exit(code)
        case .healthcheck(let configuration):
            let listener = configuration.serverConfiguration
            exit(HealthCheck.isHealthy(host: listener.host, port: listener.port) ? 0 : 1)
        case .serve(let configuration):
            unblockTerminationSignals()
            exit(serve(configuration, routes: routes))
        }
    }

    /// Runs the service until a stop signal has drained it; returns the exit status.
    static func serve(
        _ configuration: ServiceConfiguration, routes: (ServiceContext) -> Router
    ) -> Int32 {
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: configuration.logLevel, format: configuration.logFormat)
        }
        // Log lines are written in batches (BufferedLineWriter): whatever is still buffered goes out at exit,
        // whichever way the process exits.
        atexit { LogSink.standardOutput.flush() }
        let logger = Logger(label: "jacobian-server")
        let metrics = ServiceMetrics()
        // Before anything creates swift-metrics handles (the server does in its initialiser).
        metrics.bootstrapMetricsSystem()
        let readiness = Readiness()
        let engine = JacobianEngine(limits: configuration.engineLimits, cacheCapacity: configuration.cacheSize)
        let context = ServiceContext(
            configuration: configuration, engine: engine, readiness: readiness, logger: logger)
        let protocols: [any ConnectionProtocolFactory] = configuration.http2
            ? [HTTP2Protocol(configuration: configuration.http2Configuration, logger: logger)] : []
        let service = Service(
            configuration: configuration, routes: routes(context), metrics: metrics, readiness: readiness,
            cacheTotals: engine.cacheTotals, protocols: protocols, logger: logger)
        // Installed before the listener opens, so that a signal arriving during start-up is not lost.
        HTTPServer.onTerminationSignal { service.beginShutdown() }
        do {
            try service.start()
        } catch {
            let listener = configuration.serverConfiguration
            logger.critical("cannot listen on \(listener.host):\(listener.port)", metadata: [
                "error": "\(error)",
            ])
            return 1
        }
        service.waitUntilStopped()
        return 0
    }

    /// Unblocks SIGTERM and SIGINT for this thread and so for every thread started after it.
    ///
    /// A process inherits its parent's signal mask: started by a parent that blocks them (a test runner, some
    /// supervisors), it would never see the stop signal and would be killed at the end of the grace period
    /// instead of draining. Called first thing, before any thread exists.
    static func unblockTerminationSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// The process environment as a dictionary.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    private static func printToStandardError(_ message: String) {
        let bytes = Array((message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

extension JacobianEngine {
    /// The cache statistics in the shape `/metrics` reads them.
    var cacheTotals: OperationalRoutes.CacheTotals {
        { [self] in
            let statistics = cacheStatistics
            return (hits: statistics.hits, misses: statistics.misses, entries: statistics.entries)
        }
    }
}
