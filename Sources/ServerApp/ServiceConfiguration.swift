import HTTP2Server
import HTTPServer
import JacobianAPI
import JacobianEngine
import Logging

/// Every setting of the running service, resolved from flags, environment variables and defaults
/// (`ServiceCommandLine`), then mapped onto the configurations of the modules it wires together.
///
/// The defaults here are the single source: `--help`, docs/OPERATIONS.md and the Kubernetes manifests quote them.
public struct ServiceConfiguration: Sendable, Hashable {
    // MARK: Listening

    /// Address to listen on. Default `"0.0.0.0"`: the service is meant to run in a container, where the loopback
    /// address would be unreachable from outside.
    public var host: String = "0.0.0.0"
    /// TCP port. Default 8080, the port the container exposes; 0 picks a free port (printed at start).
    public var port: Int = 8080
    /// Kernel accept queue length. Default 256, as `HTTPServerConfiguration`.
    public var backlog: Int = 256

    // MARK: Concurrency and overload

    /// Threads computing responses. Default: the number of cores, because requests are CPU-bound.
    public var workers: Int = HTTPServerConfiguration.activeProcessorCount
    /// Requests that may wait for a worker. Default 1024; beyond it the answer is 503 with Retry-After.
    public var queueDepth: Int = 1024
    /// Open connections allowed at once. Default 16384, above 10,000 idle keep-alive clients.
    public var maxConnections: Int = 16384

    // MARK: Timeouts

    /// Time to receive a request's header section. Default 10 s, against slow-header clients.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// Time to receive a request body. Default 30 s (`HTTPTimeouts`).
    public var requestBodyTimeout: Duration = .seconds(30)
    /// Idle keep-alive time before a connection is closed. Default 60 s, longer than typical client pools.
    public var idleTimeout: Duration = .seconds(60)
    /// Time a client may take to read a response. Default 30 s.
    public var writeTimeout: Duration = .seconds(30)

    // MARK: Shutdown

    /// Time between the stop signal (when /readyz starts failing) and closing the listener. Default 2 s: long
    /// enough for a load balancer probing /readyz every second to stop routing here; Kubernetes' preStop hook
    /// covers the endpoint-removal delay separately.
    public var shutdownDelay: Duration = .seconds(2)
    /// Time in-flight requests get to finish once the listener is closed; then the process exits 0. Default 25 s,
    /// which with the 5 s preStop hook and the 2 s delay fits a 35 s terminationGracePeriodSeconds.
    public var drainTimeout: Duration = .seconds(25)

    // MARK: Request limits

    /// Largest request body in bytes; 413 beyond. Default `HTTPLimits`' (16 MiB, sized for the largest batch).
    public var maxBodyBytes: Int = HTTPLimits().maxBodyBytes
    /// Request-body bytes the whole process may buffer at once, across all connections and both protocols.
    /// Default 256 MiB (`HTTPLimits.maxBufferedBodyBytes`): far above what the workers can consume at once, far
    /// below a container's memory; 503 with Retry-After beyond. Keep it at least `maxBodyBytes`, or larger
    /// bodies are always refused.
    public var maxBufferedBodyBytes: Int = 256 << 20
    /// Response bytes the whole process may hold for clients that have not read them. Default 256 MiB
    /// (`HTTPLimits.maxBufferedResponseBytes`); a response that does not fit is replaced by a 503 with Retry-After.
    /// Keep it at least `maxResponseBytes`, or the largest answers are always refused.
    public var maxBufferedResponseBytes: Int = 256 << 20
    /// Largest response the API computes, estimated from the request before any work. Default 64 MiB
    /// (`APIConfiguration.maxResponseBytes`); 422 naming `maxResponseBytes` beyond.
    public var maxResponseBytes: Int = 64 << 20
    /// Largest header section in bytes. Default 16 KiB; 431 beyond.
    public var maxHeaderBytes: Int = 16384
    /// Characters in one formula. Default 10,000 (`EngineLimits.maxExpressionLength`).
    public var maxExpressionLength: Int = 10_000
    /// Nodes of one compiled function. Default 1,000,000 (`EngineLimits.maxNodes`).
    public var maxNodes: Int = 1_000_000
    /// Inputs (Jacobian columns) of one function. Default 10,000 (`EngineLimits.maxInputs`).
    public var maxInputs: Int = 10_000
    /// Outputs (Jacobian rows) of one function. Default 10,000 (`EngineLimits.maxOutputs`).
    public var maxOutputs: Int = 10_000
    /// Points in one batch request. Default 100,000 (`EngineLimits.maxBatchSize`).
    public var maxBatchSize: Int = 100_000
    /// Largest `max_iterations` a Newton or IK request may ask for. Default 10,000 (`APIConfiguration`): enough
    /// to converge from far away, small enough that one request cannot hold a worker for long.
    public var maxIterations: Int = 10_000
    /// Largest number of inputs or outputs of a function given to /v1/newton. Default 1,000 (`APIConfiguration`):
    /// each iteration takes an SVD, whose cost grows with the cube of the size.
    public var maxSolverDimension: Int = 1_000
    /// Time one computation (a Jacobian batch, a Newton solve) may take. Default 10 s (`APIConfiguration`):
    /// workers are shared by everybody.
    public var computeTimeLimit: Duration = .seconds(10)

    // MARK: HTTP/2

    /// Whether the port also speaks cleartext HTTP/2 (prior knowledge, or `Upgrade: h2c`). Default `.on`: meshes
    /// and gateways in a cluster talk h2c to upstreams, and HTTP/1.1 clients are unaffected.
    public var http2: Switch = .on
    /// Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). Default 100, the
    /// minimum RFC 9113 §6.5.2 recommends: enough to multiplex, few enough that one client cannot take every worker.
    public var http2MaxConcurrentStreams: Int = 100

    // MARK: Engine

    /// Compiled functions kept in the LRU cache; 0 disables it. Default 256: a client usually sends the same few
    /// functions.
    public var cacheSize: Int = 256

    // MARK: Models

    /// Directory whose `NAME.onnx` files are loaded at start as models `NAME`; a bad model stops the start.
    /// Default none: models come only from PUT /v1/models/{name}.
    public var modelDirectory: String? = nil
    /// Largest ONNX model in bytes, in the directory or uploaded. Default 16 MiB (`ModelLimits`), the default
    /// body limit: an upload larger than `maxBodyBytes` is refused before it is read.
    public var maxModelBytes: Int = ModelLimits().maxModelBytes
    /// Models held at once. Default 64 (`ModelLimits`).
    public var maxModels: Int = ModelLimits().maxModels

    // MARK: Logs

    /// Least severe level logged. Default `.info`: one line per request, and every error.
    public var logLevel: Logger.Level = .info
    /// Shape of each log line. Default `.logfmt`, readable by people and by log shippers alike.
    public var logFormat: LogFormat = .logfmt

    /// The defaults documented on each property.
    public init() {}

    /// The HTTP server's configuration: listening, concurrency, limits and timeouts.
    public var serverConfiguration: HTTPServerConfiguration {
        var limits = HTTPLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxBufferedBodyBytes = maxBufferedBodyBytes
        limits.maxBufferedResponseBytes = maxBufferedResponseBytes
        limits.maxHeaderSectionBytes = maxHeaderBytes
        var timeouts = HTTPTimeouts()
        timeouts.requestHead = requestHeadTimeout
        timeouts.requestBody = requestBodyTimeout
        timeouts.idle = idleTimeout
        timeouts.write = writeTimeout
        return HTTPServerConfiguration(
            host: host, port: port, backlog: backlog, workerCount: workers, queueDepth: queueDepth,
            maxConnections: maxConnections, limits: limits, timeouts: timeouts)
    }

    /// HTTP/2's settings: the header limit and idle time are the same as HTTP/1.1's.
    public var http2Configuration: HTTP2Configuration {
        HTTP2Configuration(
            maxConcurrentStreams: http2MaxConcurrentStreams, maxHeaderListSize: maxHeaderBytes, idleTimeout: idleTimeout)
    }

    /// The JSON API's settings.
    public var apiConfiguration: APIConfiguration {
        var configuration = APIConfiguration(
            maxIterations: maxIterations, maxSolverDimension: maxSolverDimension, computeTimeLimit: computeTimeLimit,
            maxResponseBytes: maxResponseBytes)
        configuration.modelLimits.maxModelBytes = maxModelBytes
        configuration.modelLimits.maxModels = maxModels
        return configuration
    }

    /// The engine's limits: the configured ones, the engine's defaults for the rest.
    public var engineLimits: EngineLimits {
        var limits = EngineLimits()
        limits.maxExpressionLength = maxExpressionLength
        limits.maxNodes = maxNodes
        limits.maxInputs = maxInputs
        limits.maxOutputs = maxOutputs
        limits.maxBatchSize = maxBatchSize
        return limits
    }
}

/// A feature that is on or off.
public enum Switch: String, Sendable, Hashable, CaseIterable {
    case on
    case off
}

/// How each log line is written.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `key=value` pairs (logfmt), values quoted when they contain spaces, quotes or `=`.
    case logfmt
    /// One JSON object per line.
    case json
}
