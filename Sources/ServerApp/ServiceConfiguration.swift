import HTTP2Server
import HTTPServer
import JacobianAPI
import JacobianEngine
import Logging

/// Every setting of the running service: the configurations of the modules it wires together, plus what belongs
/// to the process alone (shutdown, logs, HTTP/2 on or off, the model directory).
///
/// Each module's defaults are its own (`HTTPServerConfiguration`, `HTTPLimits`, `HTTPTimeouts`, `EngineLimits`,
/// `APIConfiguration`, `ModelLimits`, `HTTP2Configuration`); only the service's departures from them, and the
/// process's own settings, are written here. `Setting.all` says which of these fields a flag or environment
/// variable sets; `--help`, docs/OPERATIONS.md and the Kubernetes manifests quote the resulting defaults.
public struct ServiceConfiguration: Sendable {
    /// Listening, concurrency, request limits and timeouts. `HTTPServerConfiguration`'s defaults, except the host
    /// `0.0.0.0`: the service is meant to run in a container, where the loopback address would be unreachable from
    /// outside.
    public var serverConfiguration = HTTPServerConfiguration(host: "0.0.0.0")

    /// Whether the port also speaks cleartext HTTP/2 (prior knowledge, or `Upgrade: h2c`). Default on: meshes
    /// and gateways in a cluster talk h2c to upstreams, and HTTP/1.1 clients are unaffected.
    public var http2 = true
    /// Streams one HTTP/2 connection may have open at once; `HTTP2Configuration`'s default.
    public var http2MaxConcurrentStreams = HTTP2Configuration().maxConcurrentStreams

    /// The engine's limits.
    public var engineLimits = EngineLimits()
    /// Compiled functions kept in the LRU cache; 0 disables it. `JacobianEngine`'s default.
    public var cacheSize = JacobianEngine.defaultCacheCapacity

    /// The JSON API's limits, the ONNX models' included.
    public var apiConfiguration = APIConfiguration()

    /// Directory whose `NAME.onnx` files are loaded at start as models `NAME`; a bad model stops the start.
    /// Default none: models come only from PUT /v1/models/{name}.
    public var modelDirectory: String? = nil

    // MARK: Shutdown

    /// Time between the stop signal (when /readyz starts failing) and closing the listener. Default 2 s: long
    /// enough for a load balancer probing /readyz every second to stop routing here; Kubernetes' preStop hook
    /// covers the endpoint-removal delay separately.
    public var shutdownDelay: Duration = .seconds(2)
    /// Time in-flight requests get to finish once the listener is closed; then the process exits 0. Default 25 s,
    /// which with the 5 s preStop hook and the 2 s delay fits a 35 s terminationGracePeriodSeconds.
    public var drainTimeout: Duration = .seconds(25)

    // MARK: Logs

    /// Least severe level logged. Default `.info`: one line per request, and every error.
    public var logLevel: Logger.Level = .info
    /// Shape of each log line. Default `.logfmt`, readable by people and by log shippers alike.
    public var logFormat: LogFormat = .logfmt

    /// The defaults documented on each property.
    public init() {}

    /// HTTP/2's settings: the header limit and idle time are the same as HTTP/1.1's.
    public var http2Configuration: HTTP2Configuration {
        HTTP2Configuration(
            maxConcurrentStreams: http2MaxConcurrentStreams,
            maxHeaderListSize: serverConfiguration.limits.maxHeaderSectionBytes,
            idleTimeout: serverConfiguration.timeouts.idle)
    }
}

/// How each log line is written.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `key=value` pairs (logfmt), values quoted when they contain spaces, quotes or `=`.
    case logfmt
    /// One JSON object per line.
    case json
}
