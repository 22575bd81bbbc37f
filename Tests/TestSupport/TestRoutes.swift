import HTTPServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Routes the HTTP/1.1 and HTTP/2 socket tests share: each test uses the few it needs.
public enum TestRoutes {
    /// What `/throw` throws.
    public struct Boom: Error {}

    /// A router with every test route.
    public static func router() -> Router {
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
        router.add("GET", "/request") { request in
            // What the responder saw, so tests can check the HTTP/2 bridge's mapping.
            let host = request.headers["Host"] ?? "-"
            return HTTPResponse(status: .ok, contentType: "text/plain",
                                body: "\(request.method) \(request.target) \(request.version) host=\(host)")
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
        router.add("GET", "/control-header") { _ in
            HTTPResponse(status: .ok, headers: ["X-Control": "a\u{01}b"], body: [])
        }
        router.add("GET", "/close") { _ in HTTPResponse(status: .ok, headers: ["Connection": "close"], body: Array("bye".utf8)) }
        router.add("GET", "/connection-header") { _ in
            HTTPResponse(status: .ok, headers: ["Connection": "close", "X-Custom": "Kept", "Keep-Alive": "5"],
                         body: Array("ok".utf8))
        }
        router.add("GET", "/big") { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"],
                         body: [UInt8](repeating: 0x62, count: 32 << 20))
        }
        router.add("GET", "/no-content") { _ in HTTPResponse(status: .noContent) }
        return router
    }

    /// A logger that only lets critical messages through, so expected failures do not flood the test log.
    public static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
}
