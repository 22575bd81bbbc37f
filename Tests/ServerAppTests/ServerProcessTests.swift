import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ServerApp

/// The real executable, end to end: exit statuses, the health probe, and SIGTERM under load.
@Suite(.serialized) struct ServerProcessTests {
    init() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: ServerProcess.executableURL.path),
            "build the product first (swift build --build-tests builds it): \(ServerProcess.executableURL.path)")
    }

    @Test func invalidValuesExitWithStatus2AndAMessageOnStandardError() throws {
        let badFlag = try ServerProcess(arguments: ["--port", "70000"])
        #expect(badFlag.waitForExit(seconds: 30) == 2)
        #expect(badFlag.standardError.contains("invalid value '70000' for --port"))
        #expect(badFlag.standardOutput.isEmpty)

        let badVariable = try ServerProcess(arguments: [], environment: ["JACOBIAN_WORKERS": "many"])
        #expect(badVariable.waitForExit(seconds: 30) == 2)
        #expect(badVariable.standardError.contains("environment variable JACOBIAN_WORKERS"))
    }

    @Test func helpExitsWith0OnStandardOutput() throws {
        let help = try ServerProcess(arguments: ["--help"])
        #expect(help.waitForExit(seconds: 30) == 0)
        #expect(help.standardOutput.contains("JACOBIAN_DRAIN_TIMEOUT"))
    }

    @Test func sigtermUnderLoadFailsReadinessFirstLosesNoRequestAndExits0() throws {
        let server = try ServerProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--shutdown-delay", "1", "--drain-timeout", "5",
            "--log-level", "notice",
        ])
        let port = try server.waitForPort()

        // The container's health probe, against the live server.
        let probe = try ServerProcess(arguments: ["--healthcheck", "--port", String(port), "--host", "127.0.0.1"])
        #expect(probe.waitForExit(seconds: 30) == 0)

        // Clients on keep-alive connections send requests until readiness fails, as a load balancer would stop.
        let stop = Atomic(false)
        let completed = Atomic(0)
        let failures = Mutex<[String]>([])
        let clients = DispatchGroup()
        for client in 0..<4 {
            onOwnThread(clients) {
                var connection: RawClient?
                while !stop.load(ordering: .acquiring) {
                    do {
                        let open = try connection ?? RawClient(port: port, timeout: 10)
                        let path = client == 0 ? "/metrics" : "/healthz"
                        let response = try open.request("GET", path)
                        if response.status != 200 { failures.withLock { $0.append("\(path): \(response.status)") } }
                        completed.add(1, ordering: .relaxed)
                        connection = response.closesConnection ? nil : open
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        connection = nil
                    }
                }
            }
        }
        try waitFor("some requests to complete") { completed.load(ordering: .relaxed) >= 200 }

        server.send(SIGTERM)
        let atSignal = completed.load(ordering: .relaxed)
        // Readiness must fail while the listener is still open: a refused probe before a 503 is a failure.
        try waitFor("/readyz to answer 503") {
            let status = try fetch(port: port, "/readyz").status
            #expect(status == 200 || status == 503)
            return status == 503
        }
        stop.store(true, ordering: .releasing)
        #expect(clients.wait(timeout: .now() + .seconds(30)) == .success)

        #expect(server.waitForExit(seconds: 1 + 5 + 10) == 0)
        #expect(failures.withLock { $0 } == [])
        #expect(completed.load(ordering: .relaxed) > atSignal, "requests kept being served after SIGTERM")
        let log = server.standardOutput
        #expect(log.contains("stop requested"))
        #expect(log.range(of: "stop requested")!.lowerBound < log.range(of: "closing the listener")!.lowerBound)
        #expect(log.contains("drained, exiting"))

        // Nothing listens any more, and the probe says so.
        let after = try ServerProcess(arguments: ["--healthcheck", "--port", String(port), "--host", "127.0.0.1"])
        #expect(after.waitForExit(seconds: 30) == 1)
    }

    @Test func theStartupLineNamesThePort() {
        #expect(ServerProcess.listeningPort(in: #"level=notice msg="listening on 127.0.0.1:4321" workers=2"#) == 4321)
        #expect(ServerProcess.listeningPort(in: #"{"msg":"listening on [::1]:80"}"#) == 80)
        #expect(ServerProcess.listeningPort(in: "msg=listening host=1 port=2") == nil)
    }
}

/// Where `--healthcheck` connects for each listening address.
@Suite struct HealthCheckTests {
    @Test func wildcardAddressesAreProbedOnTheLoopback() {
        #expect(HealthCheck.probeHost(for: "0.0.0.0") == "127.0.0.1")
        #expect(HealthCheck.probeHost(for: "::") == "::1")
        #expect(HealthCheck.probeHost(for: "10.1.2.3") == "10.1.2.3")
    }

    @Test func nothingListeningIsUnhealthy() throws {
        // Port 1 (tcpmux) is privileged and unused on CI machines: the connection is refused at once.
        #expect(!HealthCheck.isHealthy(host: "127.0.0.1", port: 1, timeoutSeconds: 1))
    }
}
