import ArgumentParser

/// The command line of `jacobian-server`.
///
/// Every option is read as text and parsed by `ServiceCommandLine`, so that a flag and its environment variable go
/// through the same parser, the same range check and the same kind of error message. Each help line names the
/// environment variable and the default, which `ServiceConfiguration` defines.
struct ServerOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jacobian-server",
        abstract: "Serve exact Jacobians, Newton steps and inverse kinematics over HTTP/1.1 and h2c.",
        discussion: """
            Every option can also be set by the environment variable named in its help; a flag beats the \
            variable, which beats the default. An empty variable counts as unset. Durations are seconds and may \
            have decimals. Invalid values stop the server at start with exit status 2.
            """)

    private static let defaults = ServiceConfiguration()

    // MARK: Listening

    @Option(help: help("Address to listen on.", .host, defaults.host))
    var host: String?

    @Option(help: help("TCP port; 0 picks a free port, printed at start.", .port, "\(defaults.port)"))
    var port: String?

    @Option(help: help("Kernel accept queue length.", .backlog, "\(defaults.backlog)"))
    var backlog: String?

    // MARK: Concurrency

    @Option(help: help("Worker threads computing responses.", .workers, "the number of cores"))
    var workers: String?

    @Option(help: help("Requests waiting for a worker before 503.", .queueDepth, "\(defaults.queueDepth)"))
    var queueDepth: String?

    @Option(help: help("Open connections allowed at once.", .maxConnections, "\(defaults.maxConnections)"))
    var maxConnections: String?

    // MARK: Timeouts

    @Option(help: help("Seconds to receive a request head.", .requestHeadTimeout, seconds(defaults.requestHeadTimeout)))
    var requestHeadTimeout: String?

    @Option(help: help("Seconds to receive a request body.", .requestBodyTimeout, seconds(defaults.requestBodyTimeout)))
    var requestBodyTimeout: String?

    @Option(help: help("Seconds an idle keep-alive connection stays open.", .idleTimeout, seconds(defaults.idleTimeout)))
    var idleTimeout: String?

    @Option(help: help("Seconds a client may take to read a response.", .writeTimeout, seconds(defaults.writeTimeout)))
    var writeTimeout: String?

    @Option(help: help(
        "Seconds between SIGTERM (/readyz fails) and closing the listener.", .shutdownDelay,
        seconds(defaults.shutdownDelay)))
    var shutdownDelay: String?

    @Option(help: help(
        "Seconds in-flight requests get to finish after the listener closes.", .drainTimeout,
        seconds(defaults.drainTimeout)))
    var drainTimeout: String?

    // MARK: Limits

    @Option(help: help("Largest request body in bytes (413 beyond).", .maxBodyBytes, "\(defaults.maxBodyBytes)"))
    var maxBodyBytes: String?

    @Option(help: help("Request-body bytes all connections together may buffer (503 beyond).", .maxBufferedBodyBytes,
                       "\(defaults.maxBufferedBodyBytes)"))
    var maxBufferedBodyBytes: String?

    @Option(help: help("Response bytes all connections together may hold unread (503 beyond).",
                       .maxBufferedResponseBytes, "\(defaults.maxBufferedResponseBytes)"))
    var maxBufferedResponseBytes: String?

    @Option(help: help("Largest response the API computes, estimated before the work (422 beyond).",
                       .maxResponseBytes, "\(defaults.maxResponseBytes)"))
    var maxResponseBytes: String?

    @Option(help: help("Largest request header section in bytes.", .maxHeaderBytes, "\(defaults.maxHeaderBytes)"))
    var maxHeaderBytes: String?

    @Option(help: help("Characters in one formula.", .maxExpressionLength, "\(defaults.maxExpressionLength)"))
    var maxExpressionLength: String?

    @Option(help: help("Nodes of one compiled function.", .maxNodes, "\(defaults.maxNodes)"))
    var maxNodes: String?

    @Option(help: help("Inputs (Jacobian columns) of one function.", .maxInputs, "\(defaults.maxInputs)"))
    var maxInputs: String?

    @Option(help: help("Outputs (Jacobian rows) of one function.", .maxOutputs, "\(defaults.maxOutputs)"))
    var maxOutputs: String?

    @Option(help: help("Points in one batch request.", .maxBatchSize, "\(defaults.maxBatchSize)"))
    var maxBatchSize: String?

    @Option(help: help("Largest max_iterations a Newton or IK request may ask for.", .maxIterations, "\(defaults.maxIterations)"))
    var maxIterations: String?

    @Option(help: help("Largest number of inputs or outputs of a function given to /v1/newton.", .maxSolverDimension,
                       "\(defaults.maxSolverDimension)"))
    var maxSolverDimension: String?

    @Option(help: help("Seconds one computation (a Jacobian batch, a Newton solve) may take.", .computeTimeLimit,
                       seconds(defaults.computeTimeLimit)))
    var computeTimeLimit: String?

    @Option(help: help("Cleartext HTTP/2 on the same port: on or off.", .http2, defaults.http2.rawValue))
    var http2: String?

    @Option(help: help("Streams one HTTP/2 connection may have open at once.", .http2MaxConcurrentStreams,
                       "\(defaults.http2MaxConcurrentStreams)"))
    var http2MaxConcurrentStreams: String?

    @Option(help: help("Compiled functions kept in the LRU cache; 0 disables it.", .cacheSize, "\(defaults.cacheSize)"))
    var cacheSize: String?

    // MARK: Models

    @Option(help: help("Directory of NAME.onnx models loaded at start.", .modelDir, "none"))
    var modelDir: String?

    @Option(help: help("Largest ONNX model in bytes.", .maxModelBytes, "\(defaults.maxModelBytes)"))
    var maxModelBytes: String?

    @Option(help: help("Models held at once.", .maxModels, "\(defaults.maxModels)"))
    var maxModels: String?

    // MARK: Logs

    @Option(help: help(
        "trace, debug, info, notice, warning, error or critical.", .logLevel, defaults.logLevel.rawValue))
    var logLevel: String?

    @Option(help: help("logfmt or json, one line per event.", .logFormat, defaults.logFormat.rawValue))
    var logFormat: String?

    // MARK: Modes

    @Flag(help: """
        Instead of serving, GET /healthz from the server on this host and port and exit 0 if it answers 200, \
        1 otherwise (the container's HEALTHCHECK).
        """)
    var healthcheck = false

    /// `abstract (env: NAME, default: value)`.
    private static func help(_ abstract: String, _ variable: EnvironmentVariable, _ defaultValue: String)
        -> ArgumentHelp
    {
        ArgumentHelp("\(abstract) (env: \(variable.rawValue), default: \(defaultValue))")
    }

    /// A duration as the seconds a user types: `2`, `0.5`.
    private static func seconds(_ duration: Duration) -> String {
        SecondsParser.format(duration)
    }
}

/// The environment variable of each option: `JACOBIAN_` and the option in upper snake case, except the
/// conventional `HOST` and `PORT` that platforms such as Heroku or Cloud Run set.
enum EnvironmentVariable: String, CaseIterable {
    case host = "HOST"
    case port = "PORT"
    case backlog = "JACOBIAN_BACKLOG"
    case workers = "JACOBIAN_WORKERS"
    case queueDepth = "JACOBIAN_QUEUE_DEPTH"
    case maxConnections = "JACOBIAN_MAX_CONNECTIONS"
    case requestHeadTimeout = "JACOBIAN_REQUEST_HEAD_TIMEOUT"
    case requestBodyTimeout = "JACOBIAN_REQUEST_BODY_TIMEOUT"
    case idleTimeout = "JACOBIAN_IDLE_TIMEOUT"
    case writeTimeout = "JACOBIAN_WRITE_TIMEOUT"
    case shutdownDelay = "JACOBIAN_SHUTDOWN_DELAY"
    case drainTimeout = "JACOBIAN_DRAIN_TIMEOUT"
    case maxBodyBytes = "JACOBIAN_MAX_BODY_BYTES"
    case maxBufferedBodyBytes = "JACOBIAN_MAX_BUFFERED_BODY_BYTES"
    case maxBufferedResponseBytes = "JACOBIAN_MAX_BUFFERED_RESPONSE_BYTES"
    case maxResponseBytes = "JACOBIAN_MAX_RESPONSE_BYTES"
    case maxHeaderBytes = "JACOBIAN_MAX_HEADER_BYTES"
    case maxExpressionLength = "JACOBIAN_MAX_EXPRESSION_LENGTH"
    case maxNodes = "JACOBIAN_MAX_NODES"
    case maxInputs = "JACOBIAN_MAX_INPUTS"
    case maxOutputs = "JACOBIAN_MAX_OUTPUTS"
    case maxBatchSize = "JACOBIAN_MAX_BATCH_SIZE"
    case maxIterations = "JACOBIAN_MAX_ITERATIONS"
    case maxSolverDimension = "JACOBIAN_MAX_SOLVER_DIMENSION"
    case computeTimeLimit = "JACOBIAN_COMPUTE_TIME_LIMIT"
    case cacheSize = "JACOBIAN_CACHE_SIZE"
    case http2 = "JACOBIAN_HTTP2"
    case http2MaxConcurrentStreams = "JACOBIAN_HTTP2_MAX_CONCURRENT_STREAMS"
    case modelDir = "JACOBIAN_MODEL_DIR"
    case maxModelBytes = "JACOBIAN_MAX_MODEL_BYTES"
    case maxModels = "JACOBIAN_MAX_MODELS"
    case logLevel = "JACOBIAN_LOG_LEVEL"
    case logFormat = "JACOBIAN_LOG_FORMAT"

    /// The command-line flag of the same setting, for error messages: `--queue-depth`.
    var flag: String {
        let name = rawValue.hasPrefix("JACOBIAN_") ? String(rawValue.dropFirst("JACOBIAN_".count)) : rawValue
        return "--" + name.lowercased().split(separator: "_").joined(separator: "-")
    }
}
