import HTTP2Server
import HTTPServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Routes the HTTP/2 tests share.
enum TestRoutes {
    static func router() -> Router {
        var router = Router()
        router.add("GET", "/hello") { _ in
            HTTPResponse(status: .ok, contentType: "application/json", body: #"{"message":"hello"}"#)
        }
        router.add("POST", "/echo") { request in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        router.add("GET", "/request") { request in
            // What the responder saw, so tests can check the bridge's mapping.
            let host = request.headers["Host"] ?? "-"
            return HTTPResponse(status: .ok, contentType: "text/plain",
                                body: "\(request.method) \(request.target) \(request.version) host=\(host)")
        }
        router.add("GET", "/slow") { request in
            let ms = Int(request.query?.split(separator: "=").last ?? "100") ?? 100
            usleep(UInt32(ms * 1000))
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "slept \(ms)")
        }
        router.add("GET", "/connection-header") { _ in
            HTTPResponse(status: .ok, headers: ["Connection": "close", "X-Custom": "Kept", "Keep-Alive": "5"],
                         body: Array("ok".utf8))
        }
        router.add("GET", "/bad-header") { _ in
            HTTPResponse(status: .ok, headers: ["X-Injected": "a\r\nSet-Cookie: evil=1"], body: [])
        }
        return router
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
}

/// Runs `body` against a server speaking HTTP/1.1 and h2c on 127.0.0.1 and a free port, then shuts it down.
func withH2Server<T>(
    http2: HTTP2Configuration = HTTP2Configuration(),
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, Int) throws -> T
) throws -> T {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 4, queueDepth: 256)
    configuration.timeouts.lingeringClose = .milliseconds(200)
    configuration.protocols = [HTTP2Protocol(configuration: http2, logger: TestRoutes.quietLogger)]
    configure(&configuration)
    let server = HTTPServer(configuration: configuration,
                            responder: TestRoutes.router().responder(logger: TestRoutes.quietLogger),
                            logger: TestRoutes.quietLogger)
    let port = try server.start()
    defer {
        server.shutdown(deadline: .seconds(2))
        server.waitUntilStopped()
    }
    return try body(server, port)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
