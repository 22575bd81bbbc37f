import ArgumentParser
import Logging

/// Turns the process's arguments and environment into what to do: serve, probe, or stop with a message.
///
/// Precedence for every setting: the flag, then its environment variable, then the default of
/// `ServiceConfiguration`. Any invalid value, from either source, ends the process with exit status 2 and a
/// message naming the flag or variable, before anything is started.
public enum ServiceCommandLine {
    /// What the process should do.
    public enum Outcome: Sendable, Equatable {
        /// Run the service with this configuration.
        case serve(ServiceConfiguration)
        /// Probe the service this configuration points at (`--healthcheck`), exit 0 if healthy.
        case healthcheck(ServiceConfiguration)
        /// Print `message` (to standard output when `code` is 0, as for `--help`, else to standard error) and exit.
        case exit(code: Int32, message: String)
    }

    /// The exit status for any invalid argument or environment variable, the usual one for usage errors.
    /// (ArgumentParser would use 64, EX_USAGE; the service's contract with its operators is 2.)
    public static let usageErrorExitCode: Int32 = 2

    /// Decides what to do from `arguments` (without the program name) and `environment`.
    public static func outcome(arguments: [String], environment: [String: String]) -> Outcome {
        do {
            let options = try ServerOptions.parse(arguments)
            let configuration = try resolve(options, environment: environment)
            return options.healthcheck ? .healthcheck(configuration) : .serve(configuration)
        } catch let error as SettingError {
            return usageError(ValidationError(error.description))
        } catch {
            let code = ServerOptions.exitCode(for: error)
            guard code == .success else { return usageError(error) }
            // --help and --version: the text ArgumentParser renders, on standard output, exit 0.
            return .exit(code: 0, message: ServerOptions.fullMessage(for: error))
        }
    }

    /// The full message (error, usage line, hint) with the service's usage exit status.
    private static func usageError(_ error: any Error) -> Outcome {
        .exit(code: usageErrorExitCode, message: ServerOptions.fullMessage(for: error))
    }

    /// Resolves each setting: flag, else environment variable, else default; each parsed and range-checked.
    static func resolve(_ options: ServerOptions, environment: [String: String]) throws(SettingError)
        -> ServiceConfiguration
    {
        var resolver = Resolver(environment: environment)
        var c = ServiceConfiguration()
        resolver.set(&c.host, options.host, .host, .host)
        resolver.set(&c.port, options.port, .port, .integer(in: 0...65535))
        resolver.set(&c.backlog, options.backlog, .backlog, .integer(in: 1...65535))
        resolver.set(&c.workers, options.workers, .workers, .integer(in: 1...1024))
        resolver.set(&c.queueDepth, options.queueDepth, .queueDepth, .integer(in: 0...1_000_000))
        resolver.set(&c.maxConnections, options.maxConnections, .maxConnections, .integer(in: 1...1_000_000))
        let timeout = SettingParser<Duration>.seconds(in: 0.001...86_400)
        resolver.set(&c.requestHeadTimeout, options.requestHeadTimeout, .requestHeadTimeout, timeout)
        resolver.set(&c.requestBodyTimeout, options.requestBodyTimeout, .requestBodyTimeout, timeout)
        resolver.set(&c.idleTimeout, options.idleTimeout, .idleTimeout, timeout)
        resolver.set(&c.writeTimeout, options.writeTimeout, .writeTimeout, timeout)
        resolver.set(&c.shutdownDelay, options.shutdownDelay, .shutdownDelay, .seconds(in: 0...3600))
        resolver.set(&c.drainTimeout, options.drainTimeout, .drainTimeout, .seconds(in: 0.001...3600))
        resolver.set(&c.maxBodyBytes, options.maxBodyBytes, .maxBodyBytes, .integer(in: 1...(1 << 30)))
        resolver.set(&c.maxBufferedBodyBytes, options.maxBufferedBodyBytes, .maxBufferedBodyBytes,
                     .integer(in: 1...(1 << 40)))
        resolver.set(&c.maxBufferedResponseBytes, options.maxBufferedResponseBytes, .maxBufferedResponseBytes,
                     .integer(in: 1...(1 << 40)))
        resolver.set(&c.maxResponseBytes, options.maxResponseBytes, .maxResponseBytes, .integer(in: 1024...(1 << 40)))
        resolver.set(&c.maxHeaderBytes, options.maxHeaderBytes, .maxHeaderBytes, .integer(in: 1024...(1 << 20)))
        let count = SettingParser<Int>.integer(in: 1...100_000_000)
        resolver.set(&c.maxExpressionLength, options.maxExpressionLength, .maxExpressionLength, count)
        resolver.set(&c.maxNodes, options.maxNodes, .maxNodes, count)
        resolver.set(&c.maxInputs, options.maxInputs, .maxInputs, count)
        resolver.set(&c.maxOutputs, options.maxOutputs, .maxOutputs, count)
        resolver.set(&c.maxBatchSize, options.maxBatchSize, .maxBatchSize, count)
        resolver.set(&c.maxIterations, options.maxIterations, .maxIterations, .integer(in: 1...1_000_000))
        resolver.set(&c.maxSolverDimension, options.maxSolverDimension, .maxSolverDimension, .integer(in: 1...10_000))
        resolver.set(&c.computeTimeLimit, options.computeTimeLimit, .computeTimeLimit, .seconds(in: 0.001...3600))
        resolver.set(&c.http2, options.http2, .http2, .oneOf(Switch.allCases))
        resolver.set(&c.http2MaxConcurrentStreams, options.http2MaxConcurrentStreams, .http2MaxConcurrentStreams,
                     .integer(in: 1...10_000))
        resolver.set(&c.cacheSize, options.cacheSize, .cacheSize, .integer(in: 0...1_000_000))
        resolver.set(&c.modelDirectory, options.modelDir, .modelDir, .directory)
        resolver.set(&c.maxModelBytes, options.maxModelBytes, .maxModelBytes, .integer(in: 1...(1 << 30)))
        resolver.set(&c.maxModels, options.maxModels, .maxModels, .integer(in: 1...10_000))
        resolver.set(&c.logLevel, options.logLevel, .logLevel, .oneOf(Logger.Level.allCases))
        resolver.set(&c.logFormat, options.logFormat, .logFormat, .oneOf(LogFormat.allCases))
        if let error = resolver.firstError { throw error }
        return c
    }
}

/// Applies flag-then-environment precedence and remembers the first invalid value, so that `resolve` reads as a
/// plain list of settings.
private struct Resolver {
    let environment: [String: String]
    private(set) var firstError: SettingError?

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// Sets `target` from the flag's text, else the variable's non-empty text; leaves the default otherwise.
    mutating func set<Value>(
        _ target: inout Value, _ flagText: String?, _ variable: EnvironmentVariable, _ parser: SettingParser<Value>
    ) {
        guard firstError == nil else { return }
        let text: String, source: String
        if let flagText {
            (text, source) = (flagText, variable.flag)
        } else if let variableText = environment[variable.rawValue], !variableText.isEmpty {
            (text, source) = (variableText, "environment variable \(variable.rawValue)")
        } else {
            return
        }
        if let value = parser.parse(text) {
            target = value
        } else {
            firstError = SettingError(text: text, source: source, expected: parser.expectation)
        }
    }
}
