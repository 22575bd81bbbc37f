import Foundation
import HTTP2Server
import HTTPServer
import JacobianEngine
@testable import JacobianAPI
#if canImport(Glibc)
import Glibc
#endif

/// The API served by a real HTTPServer on 127.0.0.1 and an ephemeral port, shared by the integration tests.
final class LiveServer: Sendable {
    /// HTTP/1.1 and h2c, as `jacobian-server` serves by default (the README's HTTP/2 example runs against it).
    static let shared = try! LiveServer(protocols: [HTTP2Protocol()])

    let server: HTTPServer
    let port: Int
    let engine: JacobianEngine

    /// `protocols` are the ones the server may switch to besides HTTP/1.1 (HTTP/2 in its integration test).
    init(configuration: APIConfiguration = APIConfiguration(), limits: EngineLimits = EngineLimits(),
         protocols: [any ConnectionProtocolFactory] = []) throws {
        engine = JacobianEngine(limits: limits)
        var router = Router()
        JacobianAPI(engine: engine, configuration: configuration).register(in: &router)
        var serverConfiguration = HTTPServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.protocols = protocols
        server = HTTPServer(configuration: serverConfiguration, responder: router.responder())
        port = try server.start()
    }

    /// A response as the client saw it.
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as JSON.
        var json: JSONValue {
            get throws { try JSONParser().parse(body) }
        }
    }

    /// Sends one request on a new connection and reads the whole response.
    func request(_ method: String, _ target: String, body: String? = nil,
                 headers: [(String, String)] = [("Content-Type", "application/json")]) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bodyBytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Length: \(bodyBytes.count)\r\n" }
        head += "\r\n"
        let raw = try RawConnection(port: port).exchange(Array(head.utf8) + bodyBytes)
        return try Self.parse(raw)
    }

    func post(_ path: String, _ body: String, accept: String? = nil) throws -> Response {
        var headers = [("Content-Type", "application/json")]
        if let accept { headers.append(("Accept", accept)) }
        return try request("POST", path, body: body, headers: headers)
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(max(0, raw.count - 4))).first(where: { Array(raw[$0..<min($0 + 4, raw.count)]) == separator })
        else { throw TestFailure("no header section in response: \(String(decoding: raw, as: UTF8.self))") }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestFailure("bad status line \(lines[0])") }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: Array(raw[(end + 4)...]))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A blocking TCP client with a receive timeout, so that no test can hang on a silent server.
struct RawConnection {
    let descriptor: Int32

    init(port: Int, timeoutSeconds: Int = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect() failed")
        }
    }

    /// Sends `bytes`, then reads until the server closes the connection.
    func exchange(_ bytes: [UInt8]) throws -> [UInt8] {
        defer { close(descriptor) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send() failed") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n == 0 { return received }
            guard n > 0 else { throw TestFailure("recv() failed or timed out after \(received.count) bytes") }
            received.append(contentsOf: buffer[..<n])
        }
    }
}
