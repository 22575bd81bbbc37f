import HTTP2Server
import HTTPServer
import JacobianAPI
import JacobianEngine
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
        for setting in Setting.all {
            #expect(setting.value(c) == setting.value(ServiceConfiguration()), "\(setting.flag)")
        }
        #expect(c.serverConfiguration.host == "0.0.0.0")
        #expect(c.serverConfiguration.port == 8080)
        #expect(c.serverConfiguration.limits.maxBodyBytes == 16_777_216)
        #expect(c.serverConfiguration.limits.maxBufferedBodyBytes == 268_435_456)
        #expect(c.drainTimeout == .seconds(25))
        #expect(c.logLevel == .info)
    }

    /// The service's defaults are its modules' own: nothing in ServerApp restates them (issue #12).
    @Test func defaultsAreTheModulesOwn() {
        let c = ServiceConfiguration()
        #expect(c.serverConfiguration.limits == HTTPLimits())
        #expect(c.serverConfiguration.timeouts == HTTPTimeouts())
        #expect(c.serverConfiguration.port == HTTPServerConfiguration().port)
        #expect(c.serverConfiguration.queueDepth == HTTPServerConfiguration().queueDepth)
        #expect(c.engineLimits == EngineLimits())
        #expect(c.apiConfiguration.modelLimits == ModelLimits())
        #expect(c.apiConfiguration.maxResponseBytes == APIConfiguration().maxResponseBytes)
        #expect(c.apiConfiguration.maxJSONDepth == JSONParser.defaultMaxDepth)
        #expect(c.http2Configuration.maxConcurrentStreams == HTTP2Configuration().maxConcurrentStreams)
        #expect(c.cacheSize == JacobianEngine.defaultCacheCapacity)
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
        let server = c.serverConfiguration, engine = c.engineLimits, api = c.apiConfiguration
        #expect(server.host == "127.0.0.1" && server.port == 0 && server.backlog == 16 && server.workerCount == 3)
        #expect(server.queueDepth == 7 && server.maxConnections == 9)
        #expect(server.timeouts.requestHead == .milliseconds(1500) && server.timeouts.requestBody == .seconds(2))
        #expect(server.timeouts.idle == .seconds(3) && server.timeouts.write == .seconds(4))
        #expect(c.shutdownDelay == .zero && c.drainTimeout == .milliseconds(250))
        #expect(server.limits.maxBodyBytes == 2048 && server.limits.maxHeaderSectionBytes == 4096)
        #expect(server.limits.maxBufferedBodyBytes == 65536 && engine.maxExpressionLength == 100)
        #expect(engine.maxNodes == 200 && engine.maxInputs == 5 && engine.maxOutputs == 6 && engine.maxBatchSize == 10)
        #expect(api.maxIterations == 50)
        #expect(api.maxSolverDimension == 20 && api.computeTimeLimit == .milliseconds(1500))
        #expect(!c.http2 && c.http2MaxConcurrentStreams == 7)
        #expect(c.cacheSize == 8 && c.logLevel == .debug && c.logFormat == .json)
    }

    @Test func theModelLimitsAreSettings() throws {
        let c = try #require(configuration([
            "--max-model-nodes", "11", "--max-model-tensor-elements", "12", "--max-model-total-elements", "13",
            "--max-model-jacobian-entries", "14", "--max-model-operations", "15",
        ], ["JACOBIAN_MAX_MODEL_REQUEST_OPERATIONS": "16"]))
        let limits = c.apiConfiguration.modelLimits
        #expect(limits.maxNodes == 11 && limits.maxTensorElements == 12 && limits.maxTotalElements == 13)
        #expect(limits.maxJacobianEntries == 14 && limits.maxOperations == 15 && limits.maxRequestOperations == 16)
        #expect(failure(["--max-model-nodes", "0"])?.0 == 2)
    }

    @Test func environmentVariablesApplyWhenNoFlagIsGiven() throws {
        let c = try #require(configuration([], [
            "PORT": "9090", "HOST": "::", "JACOBIAN_WORKERS": "2", "JACOBIAN_DRAIN_TIMEOUT": "10",
            "JACOBIAN_LOG_LEVEL": "warning", "JACOBIAN_CACHE_SIZE": "32", "JACOBIAN_MAX_BODY_BYTES": "4096",
            "JACOBIAN_MAX_BUFFERED_BODY_BYTES": "8192",
        ]))
        let server = c.serverConfiguration
        #expect(server.port == 9090 && server.host == "::" && server.workerCount == 2 && c.drainTimeout == .seconds(10))
        #expect(c.logLevel == .warning && c.cacheSize == 32 && server.limits.maxBodyBytes == 4096)
        #expect(server.limits.maxBufferedBodyBytes == 8192)
    }

    @Test func aFlagBeatsItsVariableAndAnEmptyVariableIsUnset() throws {
        let c = try #require(configuration(["--port", "7000"], ["PORT": "9090", "JACOBIAN_WORKERS": ""]))
        #expect(c.serverConfiguration.port == 7000)
        #expect(c.serverConfiguration.workerCount == ServiceConfiguration().serverConfiguration.workerCount)
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
        (["--http2", "maybe"], "--http2", "one of on or off"),
        (["--max-body-bytes", "0"], "--max-body-bytes", "an integer from 1"),
        (["--max-buffered-body-bytes", "0"], "--max-buffered-body-bytes", "an integer from 1 to 1099511627776"),
        (["--host", "a b"], "--host", "a host name or an IP address"),
        // More than the solvers accept would only move the refusal into every request.
        (["--max-iterations", "10001"], "--max-iterations", "an integer from 1 to 10000"),
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
        #expect(configuration(["--port", "1"], ["PORT": "nope"])?.serverConfiguration.port == 1)
    }

    @Test func unknownOptionsAndMissingValuesAlsoExitWith2() throws {
        #expect(failure(["--frobnicate"])?.0 == 2)
        #expect(failure(["--frobnicate"])?.1.contains("unknown option '--frobnicate'") == true)
        #expect(failure(["--port"])?.0 == 2)
        #expect(failure(["--port", "--host", "::"])?.1.contains("missing value for '--port <value>'") == true)
        #expect(failure(["8080"])?.0 == 2)
    }

    @Test func settingsMixWithModesInAnyOrderAndTheLastRepeatWins() throws {
        guard case .healthcheck(let c) = ServiceCommandLine.outcome(
            arguments: ["--port=1", "--healthcheck", "--port", "2", "--idle-timeout=0.5"], environment: [:])
        else {
            Issue.record("expected the healthcheck mode")
            return
        }
        #expect(c.serverConfiguration.port == 2 && c.serverConfiguration.timeouts.idle == .milliseconds(500))
    }

    @Test func helpListsEveryFlagWithItsVariableAndDefault() throws {
        let (code, wrapped) = try #require(failure(["--help"]))
        // ArgumentParser wraps help at 80 columns; compare with the line breaks and indentation folded away.
        let help = wrapped.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(code == 0)
        for setting in Setting.all {
            #expect(help.contains("\(setting.flag) <\(setting.placeholder)>"), "\(setting.flag) missing from --help")
            #expect(help.contains("env: \(setting.variable), default: \(setting.defaultValue)"),
                    "\(setting.variable) missing from --help")
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
        #expect(c.serverConfiguration.port == 8181)
    }

    @Test func http2TakesTheHeaderLimitAndIdleTimeOfHTTP1() throws {
        let c = try #require(configuration([
            "--http2-max-concurrent-streams", "9", "--max-header-bytes", "4096", "--idle-timeout", "5",
        ]))
        #expect(c.http2Configuration.maxConcurrentStreams == 9)
        #expect(c.http2Configuration.maxQueuedWork == 9)
        #expect(c.http2Configuration.maxHeaderListSize == 4096)
        #expect(c.http2Configuration.idleTimeout == .seconds(5))
    }

    /// Every environment variable keeps its name: `JACOBIAN_` and the flag in upper snake case, except `HOST`
    /// and `PORT` (the Dockerfile, the Kubernetes manifests and the README use them).
    @Test func everyVariableFollowsTheNamingConvention() {
        let settings = Setting.all
        #expect(settings.count == 39)
        #expect(Set(settings.map(\.name)).count == settings.count)
        for setting in settings where !["host", "port"].contains(setting.name) {
            let expected = "JACOBIAN_" + setting.name.uppercased().replacingOccurrences(of: "-", with: "_")
            #expect(setting.variable == expected)
        }
    }

    @Test func secondsAreFormattedShortest() {
        #expect(SecondsParser.format(.seconds(25)) == "25")
        #expect(SecondsParser.format(.milliseconds(1500)) == "1.5")
        #expect(SecondsParser.format(.milliseconds(1)) == "0.001")
    }
}
