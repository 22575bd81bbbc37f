import Logging
import Testing

@testable import ServerApp

/// Flags, environment variables, defaults, precedence, and the exit status of invalid values.
@Suite struct ServiceCommandLineTests {
    private func configuration(_ arguments: [String], _ environment: [String: String] = [:]) -> ServiceConfiguration? {
        guard case .serve(let configuration) = ServiceCommandLine.outcome(
            arguments: arguments, environment: environment)
        else { return nil }
        return configuration
    }

    private func failure(_ arguments: [String], _ environment: [String: String] = [:]) -> (Int32, String)? {
        guard case .exit(let code, let message) = ServiceCommandLine.outcome(
            arguments: arguments, environment: environment)
        else { return nil }
        return (code, message)
    }

    @Test func noArgumentsGiveTheDocumentedDefaults() throws {
        let c = try #require(configuration([]))
        #expect(c == ServiceConfiguration())
        #expect(c.host == "0.0.0.0")
        #expect(c.port == 8080)
        #expect(c.maxBodyBytes == 16_777_216)
        #expect(c.maxBufferedBodyBytes == 268_435_456)
        #expect(c.drainTimeout == .seconds(25))
        #expect(c.logLevel == .info)
    }

    @Test func everyFlagIsApplied() throws {
        let c = try #require(configuration([
            "--host", "127.0.0.1", "--port", "0", "--backlog", "16", "--workers", "3", "--queue-depth", "7",
            "--max-connections", "9", "--request-head-timeout", "1.5", "--request-body-timeout", "2",
            "--idle-timeout", "3", "--write-timeout", "4", "--shutdown-delay", "0", "--drain-timeout", "0.25",
            "--max-body-bytes", "2048", "--max-buffered-body-bytes", "65536", "--max-header-bytes", "4096", "--max-expression-length", "100",
            "--max-nodes", "200", "--max-inputs", "5", "--max-outputs", "6", "--max-batch-size", "10",
            "--max-iterations", "50", "--max-solver-dimension", "20", "--compute-time-limit", "1.5", "--http2", "off", "--http2-max-concurrent-streams", "7", "--cache-size", "8", "--log-level", "DEBUG", "--log-format", "json",
        ]))
        #expect(c.host == "127.0.0.1" && c.port == 0 && c.backlog == 16 && c.workers == 3)
        #expect(c.queueDepth == 7 && c.maxConnections == 9)
        #expect(c.requestHeadTimeout == .milliseconds(1500) && c.requestBodyTimeout == .seconds(2))
        #expect(c.idleTimeout == .seconds(3) && c.writeTimeout == .seconds(4))
        #expect(c.shutdownDelay == .zero && c.drainTimeout == .milliseconds(250))
        #expect(c.maxBodyBytes == 2048 && c.maxHeaderBytes == 4096 && c.maxExpressionLength == 100)
        #expect(c.maxBufferedBodyBytes == 65536)
        #expect(c.maxNodes == 200 && c.maxInputs == 5 && c.maxOutputs == 6 && c.maxBatchSize == 10)
        #expect(c.maxIterations == 50)
        #expect(c.maxSolverDimension == 20 && c.computeTimeLimit == .milliseconds(1500))
        #expect(c.http2 == .off && c.http2MaxConcurrentStreams == 7)
        #expect(c.cacheSize == 8 && c.logLevel == .debug && c.logFormat == .json)
    }

    @Test func environmentVariablesApplyWhenNoFlagIsGiven() throws {
        let c = try #require(configuration([], [
            "PORT": "9090", "HOST": "::", "JACOBIAN_WORKERS": "2", "JACOBIAN_DRAIN_TIMEOUT": "10",
            "JACOBIAN_LOG_LEVEL": "warning", "JACOBIAN_CACHE_SIZE": "32", "JACOBIAN_MAX_BODY_BYTES": "4096",
            "JACOBIAN_MAX_BUFFERED_BODY_BYTES": "8192",
        ]))
        #expect(c.port == 9090 && c.host == "::" && c.workers == 2 && c.drainTimeout == .seconds(10))
        #expect(c.logLevel == .warning && c.cacheSize == 32 && c.maxBodyBytes == 4096)
        #expect(c.maxBufferedBodyBytes == 8192)
    }

    @Test func aFlagBeatsItsVariableAndAnEmptyVariableIsUnset() throws {
        let c = try #require(configuration(["--port", "7000"], ["PORT": "9090", "JACOBIAN_WORKERS": ""]))
        #expect(c.port == 7000)
        #expect(c.workers == ServiceConfiguration().workers)
    }

    @Test(arguments: [
        (["--port", "70000"], "--port", "an integer from 0 to 65535"),
        (["--port", "http"], "--port", "an integer from 0 to 65535"),
        (["--workers", "0"], "--workers", "an integer from 1 to 1024"),
        (["--drain-timeout", "0"], "--drain-timeout", "a number of seconds"),
        (["--idle-timeout=-1"], "--idle-timeout", "a number of seconds"),
        (["--write-timeout", "inf"], "--write-timeout", "a number of seconds"),
        (["--shutdown-delay", "nan"], "--shutdown-delay", "a number of seconds"),
        (["--log-level", "verbose"], "--log-level", "one of trace, debug, info, notice, warning, error or critical"),
        (["--log-format", "xml"], "--log-format", "one of logfmt or json"),
        (["--max-body-bytes", "0"], "--max-body-bytes", "an integer from 1"),
        (["--max-buffered-body-bytes", "0"], "--max-buffered-body-bytes", "an integer from 1 to 1099511627776"),
        (["--host", "a b"], "--host", "a host name or an IP address"),
    ])
    func invalidFlagsExitWithStatus2NamingTheFlag(arguments: [String], flag: String, expected: String) throws {
        let (code, message) = try #require(failure(arguments))
        let value = arguments.count == 2 ? arguments[1] : String(arguments[0].split(separator: "=")[1])
        #expect(code == 2)
        #expect(message.contains("invalid value '\(value)' for \(flag): expected \(expected)"))
        #expect(message.contains("Usage:"))
    }

    @Test func invalidVariablesAreRejectedTheSameWayNamingTheVariable() throws {
        let (code, message) = try #require(failure([], ["PORT": "-1"]))
        #expect(code == 2)
        #expect(message.contains("invalid value '-1' for environment variable PORT: expected an integer from 0 to 65535"))
        let (levelCode, levelMessage) = try #require(failure([], ["JACOBIAN_LOG_LEVEL": "loud"]))
        #expect(levelCode == 2)
        #expect(levelMessage.contains("environment variable JACOBIAN_LOG_LEVEL"))
    }

    @Test func aValidFlagHidesAnInvalidVariable() throws {
        #expect(configuration(["--port", "1"], ["PORT": "nope"])?.port == 1)
    }

    @Test func unknownOptionsAndMissingValuesAlsoExitWith2() throws {
        #expect(failure(["--frobnicate"])?.0 == 2)
        #expect(failure(["--port"])?.0 == 2)
    }

    @Test func helpListsEveryFlagWithItsVariableAndDefault() throws {
        let (code, wrapped) = try #require(failure(["--help"]))
        // ArgumentParser wraps help at 80 columns; compare with the line breaks and indentation folded away.
        let help = wrapped.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(code == 0)
        for variable in EnvironmentVariable.allCases {
            #expect(help.contains(variable.flag), "\(variable.flag) missing from --help")
            #expect(help.contains("env: \(variable.rawValue)"), "\(variable.rawValue) missing from --help")
        }
        #expect(help.contains("default: 8080"))
        #expect(help.contains("default: 25"))
        #expect(help.contains("--healthcheck"))
    }

    @Test func healthcheckModeCarriesTheSameSettings() throws {
        let outcome = ServiceCommandLine.outcome(arguments: ["--healthcheck"], environment: ["PORT": "8181"])
        guard case .healthcheck(let c) = outcome else {
            Issue.record("expected the healthcheck mode, got \(outcome)")
            return
        }
        #expect(c.port == 8181)
    }

    @Test func configurationMapsOntoTheServerAndEngine() throws {
        var c = ServiceConfiguration()
        c.port = 1234
        c.workers = 3
        c.maxBodyBytes = 999
        c.maxBufferedBodyBytes = 4096
        c.idleTimeout = .seconds(5)
        c.maxExpressionLength = 77
        c.maxBatchSize = 12
        c.maxIterations = 40
        let server = c.serverConfiguration
        #expect(server.port == 1234 && server.workerCount == 3 && server.limits.maxBodyBytes == 999)
        #expect(server.limits.maxBufferedBodyBytes == 4096)
        #expect(server.timeouts.idle == .seconds(5))
        #expect(c.engineLimits.maxExpressionLength == 77 && c.engineLimits.maxBatchSize == 12)
        #expect(c.apiConfiguration.maxIterations == 40)
        c.maxSolverDimension = 30
        c.computeTimeLimit = .seconds(3)
        #expect(c.apiConfiguration.maxSolverDimension == 30 && c.apiConfiguration.computeTimeLimit == .seconds(3))
        c.http2MaxConcurrentStreams = 9
        #expect(c.http2Configuration.maxConcurrentStreams == 9)
        #expect(c.http2Configuration.maxHeaderListSize == c.maxHeaderBytes)
        #expect(c.http2Configuration.idleTimeout == .seconds(5))
    }

    @Test func secondsAreFormattedShortest() {
        #expect(SecondsParser.format(.seconds(25)) == "25")
        #expect(SecondsParser.format(.milliseconds(1500)) == "1.5")
        #expect(SecondsParser.format(.milliseconds(1)) == "0.001")
    }
}
