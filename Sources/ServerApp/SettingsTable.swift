import Logging
import JacobianAPI

extension Setting {
    /// Every setting of the service, in the order `--help` and docs/OPERATIONS.md list them.
    ///
    /// One entry per setting: flag, environment variable (`JACOBIAN_` and the flag in upper snake case, except the
    /// conventional `HOST` and `PORT` that platforms such as Heroku or Cloud Run set), where the value lives, its
    /// parser with the accepted range, and what it means. Defaults come from `ServiceConfiguration()`.
    static var all: [Setting] {
        let timeout = SettingParser<Duration>.seconds(in: 0.001...86_400)
        let count = SettingParser<Int>.integer(in: 1...100_000_000)
        return [
            // MARK: Listening
            Setting("host", variable: "HOST", \.serverConfiguration.host, .host, "address to listen on (`::` for dual-stack)"),
            Setting("port", variable: "PORT", \.serverConfiguration.port, .integer(in: 0...65535),
                    "TCP port; 0 picks a free one, printed at start"),
            Setting("backlog", \.serverConfiguration.backlog, .integer(in: 1...65535),
                    "kernel queue of connections not yet accepted"),

            // MARK: Concurrency
            Setting("workers", \.serverConfiguration.workerCount, .integer(in: 1...1024),
                    "threads computing responses (the work is CPU-bound)", documentedDefault: "number of cores"),
            Setting("queue-depth", \.serverConfiguration.queueDepth,
                    .integer(in: 0...1_000_000), "requests waiting for a worker; beyond, 503 + `Retry-After`"),
            Setting("max-connections", \.serverConfiguration.maxConnections,
                    .integer(in: 1...1_000_000),
                    "open connections; beyond, the longest-idle one is closed, or 503 and close if none is idle"),

            // MARK: Timeouts
            Setting("request-head-timeout", \.serverConfiguration.timeouts.requestHead,
                    timeout, "time to receive a request's headers (slow clients get 408)"),
            Setting("request-body-timeout", \.serverConfiguration.timeouts.requestBody,
                    timeout, "time to receive a request body"),
            Setting("idle-timeout", \.serverConfiguration.timeouts.idle, timeout,
                    "idle keep-alive connections (HTTP/1.1 and HTTP/2) are closed after this"),
            Setting("write-timeout", \.serverConfiguration.timeouts.write, timeout,
                    "time a client may take to read a response"),
            Setting("shutdown-delay", \.shutdownDelay, .seconds(in: 0...3600),
                    "from SIGTERM (readiness fails) to closing the listener"),
            Setting("drain-timeout", \.drainTimeout, .seconds(in: 0.001...3600),
                    "time in-flight requests get after the listener closes"),

            // MARK: Limits
            Setting("max-body-bytes", \.serverConfiguration.limits.maxBodyBytes,
                    .bytes(in: 1...(1 << 30)), "largest request body (413 beyond)"),
            Setting("max-buffered-body-bytes",
                    \.serverConfiguration.limits.maxBufferedBodyBytes, .bytes(in: 1...(1 << 40)),
                    "request-body bytes all connections together may buffer (503 + `Retry-After` beyond); "
                        + "keep it ≥ `--max-body-bytes`"),
            Setting("max-buffered-response-bytes",
                    \.serverConfiguration.limits.maxBufferedResponseBytes, .bytes(in: 1...(1 << 40)),
                    "response bytes all connections together may hold unread (a response that does not fit is "
                        + "replaced by 503 + `Retry-After`); keep it ≥ `--max-response-bytes`"),
            Setting("max-response-bytes", \.apiConfiguration.maxResponseBytes,
                    .bytes(in: 1024...(1 << 40)),
                    "largest answer the API computes, estimated from the request before any work (a batch's "
                        + "Jacobians, a Newton trajectory); 422 naming `maxResponseBytes` beyond"),
            Setting("max-header-bytes", \.serverConfiguration.limits.maxHeaderSectionBytes,
                    .bytes(in: 1024...(1 << 20)), "largest header section (431 beyond), for HTTP/2 too"),
            Setting("max-expression-length", \.engineLimits.maxExpressionLength,
                    count, "characters in one formula (422 beyond)"),
            Setting("max-nodes", \.engineLimits.maxNodes, count,
                    "nodes of one compiled function"),
            Setting("max-inputs", \.engineLimits.maxInputs, count,
                    "inputs, i.e. Jacobian columns"),
            Setting("max-outputs", \.engineLimits.maxOutputs, count,
                    "outputs, i.e. Jacobian rows"),
            Setting("max-batch-size", \.engineLimits.maxBatchSize, count,
                    "points in one batch request"),
            Setting("max-iterations", \.apiConfiguration.maxIterations,
                    .integer(in: 1...APIConfiguration.iterationLimit), "largest `max_iterations` a Newton or IK request may ask for"),
            Setting("max-solver-dimension", \.apiConfiguration.maxSolverDimension,
                    .integer(in: 1...10_000),
                    "largest number of inputs or outputs of a function given to `/v1/newton`"),
            Setting("compute-time-limit", \.apiConfiguration.computeTimeLimit,
                    .seconds(in: 0.001...3600),
                    "time one computation (a Jacobian batch, a Newton solve) may take before it is stopped with a "
                        + "422 naming `computeTimeLimit`; also the largest IK `timeout_ms` and the most an IK path "
                        + "may take"),

            // MARK: HTTP/2
            Setting("http2", \.http2, .onOff,
                    "cleartext HTTP/2 (prior knowledge and `Upgrade: h2c`) on the same port"),
            Setting("http2-max-concurrent-streams", \.http2MaxConcurrentStreams,
                    .integer(in: 1...10_000), "streams one HTTP/2 connection may have open at once"),

            // MARK: Engine
            Setting("cache-size", \.cacheSize, .integer(in: 0...1_000_000),
                    "compiled functions kept (least recently used evicted); 0 disables the cache"),

            // MARK: Models
            Setting("model-dir", \.modelDirectory, .directory,
                    "every `NAME.onnx` in it is loaded at start as model `NAME`; an unreadable directory or a bad "
                        + "model stops the start (exit 1, the file and the problem logged)", documentedDefault: "none"),
            Setting("max-model-bytes", \.apiConfiguration.modelLimits.maxModelBytes,
                    .bytes(in: 1...(1 << 30)),
                    "largest ONNX model, in the directory or uploaded (an upload is also bounded by "
                        + "`--max-body-bytes`)"),
            Setting("max-models", \.apiConfiguration.modelLimits.maxModels,
                    .integer(in: 1...10_000), "models held at once"),
            Setting("max-model-nodes", \.apiConfiguration.modelLimits.maxNodes,
                    .integer(in: 1...10_000_000), "nodes (operators) of one model's graph"),
            Setting("max-model-tensor-elements",
                    \.apiConfiguration.modelLimits.maxTensorElements, .integer(in: 1...(1 << 40)),
                    "elements of any one tensor of a model: input, weight or intermediate result"),
            Setting("max-model-total-elements",
                    \.apiConfiguration.modelLimits.maxTotalElements, .integer(in: 1...(1 << 40)),
                    "elements of all of a model's tensors together (what one evaluation holds)"),
            Setting("max-model-jacobian-entries",
                    \.apiConfiguration.modelLimits.maxJacobianEntries, .integer(in: 1...(1 << 40)),
                    "entries (outputs × input elements) of one model Jacobian; also bounds a request's perturbations"),
            Setting("max-model-operations", \.apiConfiguration.modelLimits.maxOperations, .integer(in: 1...(1 << 50)),
                    "multiply-adds of one evaluation of a model, estimated when it is loaded"),
            Setting("max-model-request-operations",
                    \.apiConfiguration.modelLimits.maxRequestOperations, .integer(in: 1...(1 << 50)),
                    "multiply-adds of one model request, all its sweeps together (Jacobian rows, products, "
                        + "perturbations, the gradient check)"),

            // MARK: Logs
            Setting("log-level", \.logLevel, .oneOf(Logger.Level.allCases),
                    "least severe level written"),
            Setting("log-format", \.logFormat, .oneOf(LogFormat.allCases),
                    "shape of each log line"),
        ]
    }
}
