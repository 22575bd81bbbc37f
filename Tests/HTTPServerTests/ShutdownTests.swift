#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import HTTPServer
import TestSupport
import Testing

/// Graceful shutdown: stop accepting, finish requests in flight, close idle connections.
@Suite struct ShutdownTests {
    private func makeServer(
        _ responder: @escaping HTTPResponder, configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> (HTTPServer, Int) {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 2)
        configuration.timeouts.lingeringClose = .milliseconds(200)
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, responder: responder, logger: TestRoutes.quietLogger)
        return (server, try server.start())
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndClosesIdleOnes() throws {
        let gate = ConcurrencyTests.Gate()
        let (server, port) = try makeServer(gate.responder)
        let idle = try RawClient(port: port)
        try idle.send(get("/hello"))
        #expect(try idle.readResponse().status == 200)
        let inFlight = try RawClient(port: port)
        try inFlight.send(get("/block"))
        gate.started.wait()

        server.shutdown(deadline: .seconds(5))
        #expect(idle.isClosedByServer())              // Idle: closed at once.
        #expect((try? RawClient(port: port)) == nil)  // No longer accepting.
        gate.release.signal()
        let response = try inFlight.readResponse()    // In flight: completed, then closed.
        #expect(response.text == "released")
        #expect(response.header("Connection") == "close")
        #expect(inFlight.isClosedByServer())
        server.waitUntilStopped()
        #expect(server.openConnectionCount == 0)
    }

    @Test func deadlineForceClosesWhatDoesNotFinish() throws {
        let (server, port) = try makeServer(TestRoutes.router().responder()) { c in
            c.timeouts.requestHead = .seconds(60)
        }
        let stuck = try RawClient(port: port)
        try stuck.send("GET /hello HTTP/1.1\r\n")  // A request that never completes.
        usleep(20_000)  // Lets the server read it, so the connection is not idle.
        server.shutdown(deadline: .milliseconds(100))
        server.waitUntilStopped()
        #expect(stuck.isClosedByServer())
        #expect(server.openConnectionCount == 0)
    }

    @Test func shutdownOfAnIdleServerReturnsPromptly() throws {
        let (server, _) = try makeServer(TestRoutes.router().responder())
        server.shutdown(deadline: .seconds(30))
        server.waitUntilStopped()  // Would wait 30 s if the deadline, not the empty registry, ended it.
    }

    @Test func terminationSignalRunsTheHandler() throws {
        let received = DispatchSemaphore(value: 0)
        HTTPServer.onTerminationSignal { received.signal() }
        kill(getpid(), SIGTERM)
        #expect(received.wait(timeout: .now() + 5) == .success)
    }
}
