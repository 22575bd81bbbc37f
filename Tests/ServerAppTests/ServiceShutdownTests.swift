import Dispatch
import HTTPServer
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ServerApp

/// The shutdown sequence in process, with handlers the test holds open: readiness fails first, the listener
/// closes after the delay, and requests in flight at that moment still complete.
@Suite struct ServiceShutdownTests {
    /// Blocks handlers until the test opens it; counts the handlers waiting.
    final class Gate: Sendable {
        private let entered = Mutex(0)
        private let opened = DispatchSemaphore(value: 0)

        func pass() {
            entered.withLock { $0 += 1 }
            // Bounded so that a broken server cannot hang the test run; the test fails on the status instead.
            if opened.wait(timeout: .now() + .seconds(20)) == .success { opened.signal() }
        }

        var waiting: Int { entered.withLock { $0 } }
        func open() { opened.signal() }
    }

    @Test func inFlightRequestsFinishAfterReadinessFailsAndTheListenerCloses() throws {
        let gate = Gate()
        var router = Router()
        router.add("GET", "/held") { _ in
            gate.pass()
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "finished")
        }
        var configuration = ServiceConfiguration()
        configuration.serverConfiguration.host = "127.0.0.1"
        configuration.serverConfiguration.port = 0
        configuration.serverConfiguration.workerCount = 6  // Four held requests, and room for the probes.
        configuration.shutdownDelay = .seconds(1)
        configuration.drainTimeout = .seconds(10)
        let service = Service(
            configuration: configuration, routes: router, metrics: ServiceMetrics(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try service.start()
        #expect(try fetch(port: port, "/readyz").status == 200)

        let held = 4
        let statuses = Mutex<[Result<Int, TestFailure>]>([])
        let clients = DispatchGroup()
        for _ in 0..<held {
            onOwnThread(clients) {
                let result: Result<Int, TestFailure>
                do {
                    result = .success(try RawClient(port: port, timeout: 30).request("GET", "/held").status)
                } catch {
                    result = .failure(error as? TestFailure ?? TestFailure("\(error)"))
                }
                statuses.withLock { $0.append(result) }
            }
        }
        try waitFor("all held requests to reach a handler") { gate.waiting == held }

        service.beginShutdown()
        #expect(service.readiness.current == .draining)
        // During the delay the listener is still open: probes get through and see 503.
        let probe = try fetch(port: port, "/readyz")
        #expect(probe.status == 503)
        #expect(try fetch(port: port, "/healthz").status == 200)
        try waitFor("the listener to close") { (try? RawClient(port: port, timeout: 1)) == nil }

        gate.open()
        #expect(clients.wait(timeout: .now() + .seconds(20)) == .success)
        #expect(statuses.withLock { $0 }.map { try? $0.get() } == Array(repeating: 200, count: held))

        let stopped = DispatchGroup()
        onOwnThread(stopped) { service.waitUntilStopped() }
        #expect(stopped.wait(timeout: .now() + .seconds(15)) == .success, "the service did not stop")
    }

    @Test func aSecondStopRequestSkipsTheDelay() throws {
        var configuration = ServiceConfiguration()
        configuration.serverConfiguration.host = "127.0.0.1"
        configuration.serverConfiguration.port = 0
        configuration.serverConfiguration.workerCount = 1
        configuration.shutdownDelay = .seconds(600)  // Never reached: the second request closes at once.
        let service = Service(
            configuration: configuration, routes: Router(), metrics: ServiceMetrics(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try service.start()
        service.beginShutdown()
        service.beginShutdown()
        let stopped = DispatchGroup()
        onOwnThread(stopped) { service.waitUntilStopped() }
        #expect(stopped.wait(timeout: .now() + .seconds(15)) == .success, "the second request did not stop it")
    }
}

/// Polls `condition` every 10 ms for up to `seconds`; throws if it never holds.
func waitFor(_ what: String, seconds: Int = 15, _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try condition() { return }
        usleepMilliseconds(10)
    }
    throw TestFailure("timed out waiting for \(what)")
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

func usleepMilliseconds(_ milliseconds: Int) {
    usleep(UInt32(milliseconds * 1000))
}
