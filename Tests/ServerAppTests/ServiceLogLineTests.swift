import Dispatch
import HTTPServer
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ServerApp

/// What a running service writes to its log for answers that are not the handlers': one line per request, with
/// the client's request id wherever the request was read whole.
@Suite struct ServiceLogLineTests {
    private func withService(
        workers: Int = 2, queueDepth: Int = 1024, router: Router = Router(), log: CapturedLog,
        _ body: (Int) throws -> Void
    ) throws {
        var configuration = ServiceConfiguration()
        configuration.serverConfiguration.host = "127.0.0.1"
        configuration.serverConfiguration.port = 0
        configuration.serverConfiguration.workerCount = workers
        configuration.serverConfiguration.queueDepth = queueDepth
        configuration.shutdownDelay = .zero
        let service = Service(configuration: configuration, routes: router, metrics: ServiceMetrics(),
                              logger: log.logger(level: .info))
        let port = try service.start()
        defer {
            service.beginShutdown()
            service.waitUntilStopped()
        }
        try body(port)
    }

    private func lines(_ log: CapturedLog, containing text: String) -> [String] {
        log.lines.filter { $0.contains(text) }
    }

    @Test func aRouteErrorIsLoggedOnceWithTheClientsRequestID() throws {
        let log = CapturedLog()
        try withService(log: log) { port in
            let missing = try fetch(port: port, "/missing", headers: [("X-Request-Id", "client-404")])
            #expect(missing.status == 404)
            #expect(missing.header("X-Request-Id") == "client-404")
            let wrongMethod = try fetch(port: port, "/readyz", method: "DELETE",
                                        headers: [("X-Request-Id", "client-405")])
            #expect(wrongMethod.status == 405)
        }
        // Before: a second line, "request rejected by the server", with an id of the server's own.
        #expect(lines(log, containing: "status=404").count == 1)
        #expect(lines(log, containing: "status=404").first?.contains("request_id=client-404") == true)
        #expect(lines(log, containing: "status=405").count == 1)
        #expect(lines(log, containing: "status=405").first?.contains("request_id=client-405") == true)
    }

    @Test func anOverloadRefusalCarriesTheClientsRequestIDAndRoute() throws {
        let log = CapturedLog()
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        var router = Router()
        router.add("GET", "/block") { _ in
            started.signal()
            _ = release.wait(timeout: .now() + .seconds(20))
            return HTTPResponse(status: .ok)
        }
        router.add("GET", "/work") { _ in HTTPResponse(status: .ok) }
        try withService(workers: 1, queueDepth: 0, router: router, log: log) { port in
            let busy = try RawClient(port: port, timeout: 20)
            try busy.send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n")
            started.wait()  // The only worker is busy and nothing may queue.
            let refused = try fetch(port: port, "/work", headers: [("X-Request-Id", "client-503")])
            release.signal()
            #expect(refused.status == 503)
            #expect(refused.header("X-Request-Id") == "client-503")
            #expect(try busy.readResponse().status == 200)
        }
        let line = try #require(lines(log, containing: "status=503").first)
        #expect(line.contains("request_id=client-503") && line.contains("path=/work"))
        #expect(lines(log, containing: "status=503").count == 1)
    }

    @Test func aRequestNeverReadWholeGetsANewIDAndOneLine() throws {
        let log = CapturedLog()
        try withService(log: log) { port in
            let client = try RawClient(port: port, timeout: 10)
            try client.send("GET /x HTTP/1.1\r\nHost: h\r\nBad Header: 1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            let id = try #require(response.header("X-Request-Id"))
            #expect(lines(log, containing: "request_id=\(id)").count == 1)
        }
        #expect(lines(log, containing: "status=400").count == 1)
        #expect(lines(log, containing: "status=400").first?.contains("rejected by the server") == true)
    }
}
