import HTTPServer

// Usage: bench-ours [port]. Serves GET /hello until SIGTERM or SIGINT.
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8181 : 8181
let body = Array(#"{"message":"hello"}"#.utf8)
var router = Router()
router.add("GET", "/hello") { _ in
    HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: body)
}
// Room for the 10,000-idle-connection check on top of the load connections.
let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port, maxConnections: 20_000)
let server = HTTPServer(configuration: configuration, responder: router.responder())
HTTPServer.onTerminationSignal { server.shutdown(deadline: .seconds(5)) }
try server.start()
server.waitUntilStopped()
