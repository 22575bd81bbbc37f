import Foundation
import HTTP2Server
import HTTPServer
import JacobianEngine
import TestSupport
@testable import JacobianAPI

/// The API served by a real HTTPServer on 127.0.0.1 and an ephemeral port, shared by the integration tests.
final class LiveServer: Sendable {
    /// HTTP/1.1 and h2c, as `jacobian-server` serves by default (the README's HTTP/2 example runs against it).
    static let shared = try! LiveServer(protocols: [HTTP2Protocol()])

    let server: HTTPServer
    let port: Int
    let engine: JacobianEngine

    /// `protocols` are the ones the server may switch to besides HTTP/1.1 (HTTP/2 in its integration test).
    init(configuration: APIConfiguration = APIConfiguration(), limits: EngineLimits = EngineLimits(),
         protocols: [any ConnectionProtocolFactory] = [], routes: (inout Router) -> Void = { _ in }) throws {
        engine = JacobianEngine(limits: limits)
        var router = Router()
        let api = JacobianAPI(engine: engine, configuration: configuration)
        // The README's model examples name `digits`, served from Tests/Fixtures as `--model-dir Tests/Fixtures` does.
        try api.models.loadDirectory(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path)
        api.register(in: &router)
        routes(&router)
        var serverConfiguration = HTTPServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.protocols = protocols
        server = HTTPServer(configuration: serverConfiguration, responder: router.responder())
        port = try server.start()
    }

    /// Sends one request on a new connection (which it asks the server to close) and reads the response.
    func request(_ method: String, _ target: String, body: String? = nil,
                 headers: [(String, String)] = [("Content-Type", "application/json")]) throws -> RawResponse {
        try RawClient(port: port, timeout: 10)
            .request(method, target, headers: [("Connection", "close")] + headers, body: body.map { Array($0.utf8) })
    }

    func post(_ path: String, _ body: String, accept: String? = nil) throws -> RawResponse {
        var headers = [("Content-Type", "application/json")]
        if let accept { headers.append(("Accept", accept)) }
        return try request("POST", path, body: body, headers: headers)
    }
}

extension RawResponse {
    /// The body parsed as JSON.
    var json: JSONValue {
        get throws { try JSONParser().parse(body) }
    }
}
