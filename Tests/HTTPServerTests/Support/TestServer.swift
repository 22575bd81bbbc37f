import HTTPServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Routes every socket test shares.
enum TestRoutes {
    struct Boom: Error {}

    static func router() -> Router {
        var router = Router()
        router.add("GET", "/hello") { _ in
            HTTPResponse(status: .ok, contentType: "application/json", body: #"{"message":"hello"}"#)
        }
        router.add("POST", "/echo") { request in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        router.add("GET", "/path") { request in
            HTTPResponse(status: .ok, contentType: "text/plain", body: request.target)
        }
        router.add("GET", "/slow") { request in
            let ms = Int(request.query?.split(separator: "=").last ?? "100") ?? 100
            usleep(UInt32(ms * 1000))
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "slept \(ms)")
        }
        router.add("GET", "/throw") { _ in throw Boom() }
        router.add("GET", "/bad-header") { _ in
            HTTPResponse(status: .ok, headers: ["X-Injected": "a\r\nSet-Cookie: evil=1"], body: [])
        }
        router.add("GET", "/close") { _ in HTTPResponse(status: .ok, headers: ["Connection": "close"], body: Array("bye".utf8)) }
        router.add("GET", "/big") { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"],
                         body: [UInt8](repeating: 0x62, count: 32 << 20))
        }
        router.add("GET", "/no-content") { _ in HTTPResponse(status: .noContent) }
        return router
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
}

/// Runs `body` against a server on 127.0.0.1 with a free port, then shuts the server down and waits.
func withServer<T>(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    responder: HTTPResponder? = nil,
    _ body: (HTTPServer, Int) throws -> T
) throws -> T {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 4, queueDepth: 64)
    configuration.timeouts.lingeringClose = .milliseconds(200)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration,
                            responder: responder ?? TestRoutes.router().responder(logger: TestRoutes.quietLogger),
                            logger: TestRoutes.quietLogger)
    let port = try server.start()
    defer {
        server.shutdown(deadline: .seconds(2))
        server.waitUntilStopped()
    }
    return try body(server, port)
}

/// A request with Host, for brevity.
func get(_ target: String, _ extra: String = "") -> String {
    "GET \(target) HTTP/1.1\r\nHost: localhost\r\n\(extra)\r\n"
}
