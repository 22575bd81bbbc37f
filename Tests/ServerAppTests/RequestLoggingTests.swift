import Foundation
import HTTPServer
import Logging
import Synchronization
import Testing

@testable import ServerApp

/// Request ids (kept, replaced, generated, echoed) and the one access-log line per request.
@Suite struct RequestLoggingTests {
    /// `answer` inside the request-logging middleware, as the server composes it.
    private func logged(_ answer: @escaping HTTPResponder, logger: Logger) -> HTTPResponder {
        let middleware = requestLogging(logger: logger)
        return { request in middleware(request) { answer($0) }! }
    }

    @Test func aDeclinedInlineAttemptIsNeitherLoggedNorAnswered() {
        let log = CapturedLog()
        let response = requestLogging(logger: log.logger())(HTTPRequest(method: "POST", target: "/x")) { _ in nil }
        #expect(response == nil)
        #expect(log.lines.isEmpty)
    }

    private func exchange(
        _ request: HTTPRequest, log: CapturedLog = CapturedLog(),
        answer: @escaping HTTPResponder = { _ in HTTPResponse(status: .ok, contentType: "text/plain", body: "hello") }
    ) -> HTTPResponse {
        logged(answer, logger: log.logger())(request)
    }

    @Test func aValidClientIdIsEchoedAndSeenByTheHandler() {
        let seen = Mutex<String?>(nil)
        let response = exchange(
            HTTPRequest(method: "GET", target: "/x", headers: ["X-Request-Id": "client-42"]),
            answer: { request in
                seen.withLock { $0 = request.headers["X-Request-Id"] }
                return HTTPResponse(status: .ok)
            })
        #expect(response.headers["X-Request-Id"] == "client-42")
        #expect(seen.withLock { $0 } == "client-42")
    }

    @Test(arguments: ["", "has space", String(repeating: "a", count: 129), "tab\there", "caf\u{E9}", "new\nline"])
    func anInvalidClientIdIsReplacedByAGeneratedOne(invalid: String) throws {
        let response = exchange(HTTPRequest(method: "GET", target: "/", headers: ["X-Request-Id": invalid]))
        let id = try #require(response.headers["X-Request-Id"])
        #expect(id != invalid)
        #expect(isGenerated(id))
    }

    @Test func aMissingIdIsGeneratedAndEachIsNew() throws {
        let first = try #require(exchange(HTTPRequest(method: "GET", target: "/")).headers["X-Request-Id"])
        let second = try #require(exchange(HTTPRequest(method: "GET", target: "/")).headers["X-Request-Id"])
        #expect(isGenerated(first) && isGenerated(second))
        #expect(first != second)
    }

    @Test func generatedIdsAreDistinctAcrossThreads() {
        let ids = Mutex<Set<String>>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var local: [String] = []
            for _ in 0..<5_000 { local.append(RequestID.generate()) }
            ids.withLock { $0.formUnion(local) }
        }
        #expect(ids.withLock { $0.count } == 40_000)
        #expect(ids.withLock { $0.allSatisfy(isGenerated) })
    }

    @Test func theLongestAcceptedIdIs128VisibleCharacters() {
        let longest = String(repeating: "~", count: 128)
        #expect(RequestID.accepted(longest) == longest)
        #expect(RequestID.accepted("!") == "!")
        #expect(RequestID.accepted(nil) == nil)
    }

    @Test func oneLineWithEveryFieldPerRequest() throws {
        let log = CapturedLog()
        _ = exchange(
            HTTPRequest(method: "POST", target: "/v1/jacobian?format=svg", headers: ["X-Request-Id": "abc"]),
            log: log)
        #expect(log.lines.count == 1)
        let line = try #require(log.lines.first)
        for field in ["msg=request", "method=POST", "path=/v1/jacobian", "status=200", "bytes=5", "request_id=abc"] {
            #expect(line.contains(" \(field)"), "\(field) missing from \(line)")
        }
        #expect(line.contains("level=info"))
        #expect(line.range(of: #" duration_ms=[0-9]+(\.[0-9]+)? "#, options: .regularExpression) != nil)
        #expect(!line.contains("format=svg"), "the query is not logged: it may carry data")
    }

    @Test func errorResponsesLogTheirCauseAndServerFaultsAtErrorLevel() throws {
        let log = CapturedLog()
        _ = exchange(HTTPRequest(method: "GET", target: "/boom"), log: log) { _ in
            Problem(status: .internalServerError, detail: "the solver failed: \"singular\"").response
        }
        _ = exchange(HTTPRequest(method: "GET", target: "/missing"), log: log) { _ in
            Problem(status: .notFound, detail: "No resource at /missing.").response
        }
        _ = exchange(HTTPRequest(method: "GET", target: "/busy"), log: log) { _ in
            Problem(status: .serviceUnavailable, detail: "overloaded").response
        }
        let lines = log.lines
        try #require(lines.count == 3)
        #expect(lines[0].contains("level=error") && lines[0].contains(#"error="the solver failed: \"singular\"""#))
        #expect(lines[1].contains("level=info") && lines[1].contains(#"error="No resource at /missing.""#))
        #expect(lines[2].contains("level=warning") && lines[2].contains("error=overloaded"))
    }

    /// Issue #19: 501 and 505 are the client's doing; at error level any client could flood the error log.
    @Test func clientCaused5xxAreLoggedBelowErrorWithTheMethodCutShort() throws {
        let log = CapturedLog()
        let method = String(repeating: "M", count: 10_000)
        _ = exchange(HTTPRequest(method: method, target: "/x"), log: log, answer: { request in
            Problem(status: .notImplemented, detail: "The transfer coding of \(Echo.cut(request.method)) is not implemented.").response
        })
        var refused = Problem(status: .httpVersionNotSupported, detail: "Only HTTP/1.x is served here.").response
        refusalLogging(logger: log.logger())(&refused)
        let lines = log.lines
        try #require(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("level=info") })
        #expect(lines[0].utf8.count < 600)
    }

    @Test func successfulProbesAreLoggedAtDebugAndFailedOnesAsUsual() {
        let log = CapturedLog()
        let logger = log.logger(level: .info)
        _ = logged({ _ in HTTPResponse(status: .ok) }, logger: logger)(
            HTTPRequest(method: "GET", target: "/readyz"))
        #expect(log.lines.isEmpty)
        _ = logged({ _ in Problem(status: .serviceUnavailable, detail: "draining").response }, logger: logger)(
            HTTPRequest(method: "GET", target: "/readyz"))
        #expect(log.lines.count == 1)
        #expect(log.lines.first?.contains("level=warning") == true)
    }

    @Test func jsonLinesCarryNumbersAsNumbers() throws {
        let log = CapturedLog()
        _ = logged({ _ in HTTPResponse(status: .ok) }, logger: log.logger(format: .json))(
            HTTPRequest(method: "GET", target: "/healthz", headers: ["X-Request-Id": "j"]))
        let line = try #require(log.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 200)
        #expect(object["bytes"] as? Int == 0)
        #expect(object["duration_ms"] is Double || object["duration_ms"] is Int)
        #expect(object["request_id"] as? String == "j")
        #expect(object["msg"] as? String == "request")
    }

    /// The access log hands its fields straight to `LineLogHandler`, except when the handler adds metadata of its
    /// own: then the line goes through swift-log, and must carry the same fields, numbers still bare.
    @Test func aHandlerWithItsOwnMetadataGetsTheSameFieldsThroughSwiftLog() throws {
        let direct = CapturedLog(), merged = CapturedLog()
        var withMetadata = merged.logger(format: .json)
        withMetadata[metadataKey: "pod"] = "a-1"
        let request = HTTPRequest(method: "GET", target: "/missing", headers: ["X-Request-Id": "m"])
        let answer: HTTPResponder = { _ in Problem(status: .notFound, detail: "No resource at /missing.").response }
        _ = logged(answer, logger: direct.logger(format: .json))(request)
        _ = logged(answer, logger: withMetadata)(request)
        func fields(_ log: CapturedLog) throws -> [String: Any] {
            let line = try #require(log.lines.first)
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let (plain, viaSwiftLog) = (try fields(direct), try fields(merged))
        #expect(viaSwiftLog["pod"] as? String == "a-1")
        #expect(Set(viaSwiftLog.keys) == Set(plain.keys).union(["pod"]))
        for key in ["status", "bytes"] {
            #expect(viaSwiftLog[key] as? Int == plain[key] as? Int && plain[key] is Int, "\(key)")
        }
        #expect(viaSwiftLog["duration_ms"] is Double || viaSwiftLog["duration_ms"] is Int)
        for key in ["method", "path", "request_id", "error", "msg", "level"] {
            #expect(viaSwiftLog[key] as? String == plain[key] as? String, "\(key)")
        }
    }

    private func isGenerated(_ id: String) -> Bool {
        id.utf8.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// The server's own error responses (before any route) get an id and a log line too.
@Suite struct ErrorLoggingTests {
    @Test func serverErrorsGetAnIdAndALogLineWithTheirCause() throws {
        let log = CapturedLog()
        var response = Problem(status: .contentTooLarge, detail: "The body is larger than 1048576 bytes.").response
        refusalLogging(logger: log.logger())(&response)
        #expect(response.status == .contentTooLarge)
        let id = try #require(response.headers["X-Request-Id"])
        #expect(id.count == 32)
        let line = try #require(log.lines.first)
        #expect(line.contains("status=413") && line.contains("request_id=\(id)"))
        #expect(line.contains(#"error="The body is larger than 1048576 bytes.""#))
    }
}
