import HTTPServer
import TestSupport
import Testing

/// Malformed requests over real sockets: each rule of RFC 9112/9110 framing, answered with its status
/// (400 unless noted) and `Connection: close`, after which the server closes the connection.
@Suite struct FramingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var request: String
        var status: Int
        var testDescription: String { rule }
    }

    static let chunked = "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"

    static let cases: [Case] = [
        Case(rule: "RFC 9112 §5.1 whitespace between field name and colon", request: "GET /hello HTTP/1.1\r\nHost : h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2 HTTP/1.1 without Host", request: "GET /hello HTTP/1.1\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2 repeated Host", request: "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2 invalid Host", request: "GET /hello HTTP/1.1\r\nHost: a b/c\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2 invalid Host port", request: "GET /hello HTTP/1.1\r\nHost: a:8x\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §6.3 final transfer coding not chunked", request: "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §6.1 unknown transfer coding is 501", request: "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: foo\r\n\r\n", status: 501),
        Case(rule: "RFC 9112 §6.1 both Transfer-Encoding and Content-Length", request: "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §6.1 Transfer-Encoding in HTTP/1.0", request: "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length +5", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length -1", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length 0x5", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nhello", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length 1 2", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length overflowing", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §8.6 Content-Length repeated with different values", request: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", status: 400),
        Case(rule: "RFC 9112 §5.2 obs-fold", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §2.2 bare CR", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §2.2 bare LF line ending", request: "GET /hello HTTP/1.1\nHost: h\n\n", status: 400),
        Case(rule: "RFC 9110 §5.5 LF inside a field value", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX-A: a\nb\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §5.5 NUL inside a field value", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §5.5 control character inside a field value", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX-A: a\u{1}b\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §5.1 invalid field name", request: "GET /hello HTTP/1.1\r\nHost: h\r\nX(A): b\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §5 field line without colon", request: "GET /hello HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3 request line with two spaces", request: "GET  /hello HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3 request line with extra part", request: "GET /hello HTTP/1.1 x\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3 request line without version", request: "GET /hello\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.1 method that is not a token", request: "G(T /hello HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §2.3 lower-case version", request: "GET /hello http/1.1\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §2.3 malformed version", request: "GET /hello HTTP/1.11\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §15.6.6 HTTP/2.0 on an HTTP/1 connection is 505", request: "GET /hello HTTP/2.0\r\nHost: h\r\n\r\n", status: 505),
        Case(rule: "RFC 9112 §7.1 chunk size not hexadecimal", request: chunked + "0x5\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §7.1 chunk size overflowing", request: chunked + "fffffffffffffffff\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §7.1 chunk data without CRLF", request: chunked + "5\r\nhelloX\r\n0\r\n\r\n", status: 400),
        Case(rule: "RFC 9110 §10.1.1 unknown expectation is 417", request: "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", status: 417),
        Case(rule: "RFC 9110 §10.1.1 unknown expectation on a second Expect line is 417", request: "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", status: 417),
        Case(rule: "RFC 9110 §10.1.1 unknown expectation in a list is 417", request: "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, magic\r\nContent-Length: 1\r\n\r\nx", status: 417),
        Case(rule: "RFC 9112 §3.2 target in none of the four forms", request: "GET hello HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2.2 absolute-form with a scheme other than http(s)", request: "GET ftp://h/hello HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Case(rule: "RFC 9112 §3.2.4 asterisk-form with a method other than OPTIONS", request: "GET * HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
    ]

    @Test(arguments: cases)
    func malformedRequestIsAnsweredAndClosed(_ testCase: Case) throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(testCase.request)
            let response = try client.readResponse()
            #expect(response.status == testCase.status, "\(testCase.rule)")
            #expect(response.header("Connection") == "close", "\(testCase.rule)")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(client.isClosedByServer(), "\(testCase.rule): connection should close")
        }
    }

    @Test func rfc9457_serverErrorsAreProblem() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            let body = try client.readResponse().text
            #expect(body.hasPrefix(#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"#))
        }
    }

    /// A server must accept the absolute-form even though clients send it only to proxies (RFC 9112 §3.2.2);
    /// it used to be routed as a path and answered 404.
    @Test(arguments: ["http://h/path?n=1", "HTTPS://h:8443/path?n=1", "http://h?n=1"])
    func rfc9112_3_2_2_absoluteFormIsRoutedByItsPath(_ target: String) throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = try client.readResponse()
            let routed = target == "http://h?n=1" ? 404 : 200  // Empty path: "/", which has no route.
            #expect(response.status == routed)
            if routed == 200 { #expect(response.text == target) }  // The target stays as sent.
        }
    }

    @Test func rfc9112_3_2_http10WithoutHostIsServed() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func rfc9112_6_3_errorAfterValidRequestsStillAnswersThemFirst() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello") + "GET /hello HTTP/1.1\r\nHost : h\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 400)
            #expect(client.isClosedByServer())
        }
    }
}
