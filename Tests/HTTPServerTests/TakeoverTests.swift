import Dispatch
@testable import HTTPServer
import TestSupport
import Testing

/// The hook through which HTTP/2 takes connections over, exercised with a trivial echo protocol.
@Suite struct TakeoverTests {
    /// Echoes every byte back; recognised by the preface `ECHO\r\n` or by `Upgrade: echo`.
    final class EchoHandler: ConnectionProtocolHandler {
        let io: ConnectionIO
        init(io: ConnectionIO) { self.io = io }
        func receive(_ bytes: UnsafeRawBufferPointer) { io.write(Array(bytes)) }
        func peerClosed() {}
        func beginGracefulShutdown() {
            io.write(Array("BYE".utf8))
            io.close()
        }
    }

    struct EchoProtocol: ConnectionProtocolFactory {
        var preface: [UInt8]? { Array("ECHO\r\n".utf8) }
        var upgradeToken: String? { "echo" }
        func makeHandler(connection: ConnectionIO, upgradeRequest: HTTPRequest?) -> (any ConnectionProtocolHandler)? {
            // Like h2c's HTTP2-Settings check: a request without the required field stays on HTTP/1.1.
            if let request = upgradeRequest, request.headers["Echo-Settings"] == nil { return nil }
            return EchoHandler(io: connection)
        }
    }

    private func withEchoServer(_ body: (HTTPServer, Int) throws -> Void) throws {
        try withServer({ c in c.protocols = [EchoProtocol()] }, body)
    }

    private func read(_ client: RawClient, count: Int) throws -> String {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try client.readSome()
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func prefaceHandsTheConnectionOver() throws {
        try withEchoServer { _, port in
            let client = try RawClient(port: port)
            try client.send("EC")           // Not enough to decide: the server waits.
            try client.send("HO\r\nping")
            #expect(try read(client, count: 10) == "ECHO\r\nping")
        }
    }

    @Test func otherFirstBytesStayOnHTTP1() throws {
        try withEchoServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func rfc9110_7_8_upgradeSwitchesProtocolsAndPassesTheRest() throws {
        try withEchoServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello", "Connection: Upgrade, Echo-Settings\r\nUpgrade: echo\r\nEcho-Settings: x\r\n") + "after")
            let switching = try client.readResponse()
            #expect(switching.status == 101)
            #expect(switching.header("Upgrade") == "echo")
            #expect(try read(client, count: 5) == "after")
        }
    }

    @Test func rfc9110_7_8_refusedUpgradeIsAnsweredOverHTTP1() throws {
        try withEchoServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello", "Connection: Upgrade\r\nUpgrade: echo\r\n"))
            #expect(try client.readResponse().text == #"{"message":"hello"}"#)
        }
    }

    @Test func gracefulShutdownReachesTheHandler() throws {
        try withEchoServer { server, port in
            let client = try RawClient(port: port)
            try client.send("ECHO\r\n")
            #expect(try read(client, count: 6) == "ECHO\r\n")
            server.shutdown(deadline: .seconds(2))
            #expect(try read(client, count: 3) == "BYE")
            #expect(client.isClosedByServer())
            server.waitUntilStopped()
        }
    }
}
