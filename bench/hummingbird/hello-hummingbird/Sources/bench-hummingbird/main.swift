import Hummingbird

// Usage: bench-hummingbird [port]. Serves GET /hello -> {"message":"hello"} until SIGTERM or SIGINT.
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8182 : 8182
let body = ByteBuffer(string: #"{"message":"hello"}"#)
let router = Router()
router.get("hello") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
