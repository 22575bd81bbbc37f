import HTTPServer
import Testing

/// RFC 9457 problem details, the format of every error the server generates.
@Suite struct ProblemTests {
    @Test func rfc9457_3_bodyHasTypeTitleStatusDetail() {
        let response = Problem(status: .notFound, detail: "No resource at /x.").response
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"type":"about:blank","title":"Not Found","status":404,"detail":"No resource at /x."}"#)
    }

    @Test func rfc8259_7_detailIsEscaped() {
        #expect(Problem.jsonString("a\"b\\c\nd\u{1}é") == #""a\"b\\c\nd\u0001é""#)
    }

    @Test func statusKinds() {
        #expect(HTTPStatus.continue.kind == .informational)
        #expect(HTTPStatus.ok.kind == .successful)
        #expect(HTTPStatus.notModified.forbidsContent)
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.code == 431)
        #expect(HTTPStatus.serviceUnavailable.kind == .serverError)
    }
}
