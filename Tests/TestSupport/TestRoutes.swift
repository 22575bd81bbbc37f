import HTTPServer
import Dispatch
import Logging
import Synchronization
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
        // Answered where it was read, never waiting for a worker, as the service's probes are.
        router.add("GET", "/probe", inline: .always) { _ in
            HTTPResponse(status: .ok, contentType: "text/plain", body: "inline")
        }
        // An inline attempt: answered where it was read when the query says `cheap`, else by the handler on a worker.
        router.add("GET", "/attempt", inline: .attempt { request in
            request.query == "cheap" ? HTTPResponse(status: .ok, contentType: "text/plain", body: "inline") : nil
        }) { _ in
            HTTPResponse(status: .ok, contentType: "text/plain", body: "pooled")
        }
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
        router.add("GET", "/spin") { request in
            // Computes for up to `ms` milliseconds, stopping early once the client has gone, as long handlers
            // should; records under `id` how it ended, for the cancellation tests.
            let query = parameters(request.query)
            let ms = Int(query["ms"] ?? "100") ?? 100, id = query["id"] ?? "-"
            Spins.record(id, "started")
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(ms) * 1_000_000
            while DispatchTime.now().uptimeNanoseconds < end {
                if request.cancellation.isCancelled {
                    Spins.record(id, "cancelled")
                    return HTTPResponse(status: .serviceUnavailable)
                }
                var x = 0.0
                for i in 0..<10_000 { x += Double(i).squareRoot() }  // About 10 µs between checks.
                if x < 0 { break }
            }
            Spins.record(id, "completed")
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "spun \(ms)")
        }
        return router
    }

    /// `a=1&b=2` as a dictionary.
    private static func parameters(_ query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    /// How each `/spin` request ended, by its `id`: "started", then "cancelled" or "completed".
    public enum Spins {
        private static let outcomes = Mutex<[String: String]>([:])
        static func record(_ id: String, _ outcome: String) { outcomes.withLock { $0[id] = outcome } }
        /// The last outcome recorded for `id`, nil if it never started.
        public static func outcome(_ id: String) -> String? { outcomes.withLock { $0[id] } }
    }

    /// A logger that only lets critical messages through, so expected failures do not flood the test log.
    public static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
}
