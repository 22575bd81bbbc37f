import Foundation
import HTTPServer
import TestSupport
import Testing

/// Routing outcomes and handler failures (RFC 9110 §9.1, §15.5.5, §15.5.6, §15.6.1, §15.6.2).
@Suite struct RoutingTests {
    @Test func rfc9110_15_5_5_unknownPathIs404() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/nowhere"))
            let response = try client.readResponse()
            #expect(response.status == 404)
            #expect(response.header("Content-Type") == "application/problem+json")
            try client.send(get("/hello"))  // A 404 keeps the connection.
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func rfc9110_15_5_6_wrongMethodIs405WithAllow() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("DELETE /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        }
    }

    @Test func rfc9110_9_3_7_optionsAnswersAllow() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("OPTIONS /echo HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 204)
            #expect(response.header("Allow") == "OPTIONS, POST")
        }
    }

    /// RFC 9110 §15.5.6 permits 405 for a method the server does not recognise: 501 would count as the
    /// server's fault in monitoring, and schemathesis flags it.
    @Test func rfc9110_15_5_6_unknownMethodIs405WithAllow() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("BREW /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
            try client.send("QUERY /nowhere HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().status == 404)
            try client.send(get("/hello"))  // The request was framed, so the connection stays usable.
            #expect(try client.readResponse().status == 200)
        }
    }

    /// Issue #19: a 10,000-character method came back whole in the error (and in the log line). A method longer
    /// than the parser's limit is now refused before routing, without being echoed; one within it but unknown
    /// to the resource is echoed cut short.
    @Test func aLongUnknownMethodIsEchoedCutShort() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(String(repeating: "M", count: 10_000) + " /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            let refused = try client.readResponse()
            #expect(refused.status == 400)
            #expect(refused.body.count < 400 && !refused.text.contains("MMMM"))
        }
        try withServer { _, port in
            let client = try RawClient(port: port)
            let method = String(repeating: "M", count: 64)  // The parser's longest method.
            try client.send("\(method) /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 405)
            #expect(response.body.count < 400)
            #expect(response.text.contains(String(repeating: "M", count: Echo.maxLength)))
            let long = "/" + String(repeating: "p", count: 5000)
            try client.send(get(long))
            let missing = try client.readResponse()
            #expect(missing.status == 404 && missing.body.count < 400)
        }
    }

    /// Issue #19: `Content-Encoding: gzip` was ignored and the bytes read as if plain (RFC 9110 §15.5.16).
    @Test func aBodyInAContentCodingIs415WithAcceptEncoding() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc")
            let response = try client.readResponse()
            #expect(response.status == 415)
            #expect(response.header("Accept-Encoding") == "identity")
            #expect(response.text.contains("gzip"))
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try client.readResponse().text == "abc")
        }
    }

    @Test func rfc9110_15_6_1_throwingHandlerIs500AndServerGoesOn() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/throw"))
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(!response.text.contains("Boom"))  // Generic message: no internals leak.
            try client.send(get("/hello"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func rfc9110_5_5_responseHeaderInjectionBecomes500() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/bad-header"))
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.header("Set-Cookie") == nil)
        }
    }

    @Test func rfc9110_9_3_7_optionsAsteriskListsTheServersMethods() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 204)
            let allow = Set((response.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(allow.isSuperset(of: ["GET", "HEAD", "POST", "OPTIONS"]), "\(allow)")
        }
    }

    @Test func rfc9110_5_5_controlCharacterInAResponseHeaderBecomes500() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/control-header"))
            #expect(try client.readResponse().status == 500)
        }
    }

    /// The reason phrase is `*( HTAB / SP / VCHAR / obs-text )` (RFC 9112 §4); one with CR LF would inject
    /// fields into the status line, and used to be sent as it was.
    @Test func rfc9112_4_reasonPhraseInjectionBecomes500() throws {
        let injected = HTTPStatus(code: 200, reason: "OK\r\nSet-Cookie: evil=1")
        try withServer(responder: { _ in HTTPResponse(status: injected, body: Array("x".utf8)) }) { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/anything"))
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.header("Set-Cookie") == nil)
        }
    }

    @Test func routerUnitBehaviour() {
        var router = Router()
        router.add("GET", "/a") { _ in HTTPResponse(status: .ok, body: [1, 2, 3]) }
        router.add("POST", "/a") { _ in HTTPResponse(status: .created) }
        let respond = router.responder()
        #expect(respond(HTTPRequest(method: "GET", target: "/a?q")).status == .ok)
        #expect(respond(HTTPRequest(method: "HEAD", target: "/a")).body == [1, 2, 3])  // The server strips it.
        #expect(respond(HTTPRequest(method: "POST", target: "/a")).status == .created)
        #expect(respond(HTTPRequest(method: "PUT", target: "/a")).headers["Allow"] == "GET, HEAD, OPTIONS, POST")
        #expect(respond(HTTPRequest(method: "GET", target: "/b")).status == .notFound)
        let unknown = respond(HTTPRequest(method: "FOO", target: "/a"))
        #expect(unknown.status == .methodNotAllowed && unknown.headers["Allow"] == "GET, HEAD, OPTIONS, POST")
        #expect(respond(HTTPRequest(method: "FOO", target: "/b")).status == .notFound)
    }

    @Test func customErrorResponderRendersServerErrors() throws {
        try withServer({ c in
            c.errorResponder = { status, _ in HTTPResponse(status: status, contentType: "text/plain", body: "custom \(status.code)") }
        }) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.text == "custom 400")
        }
    }
}
