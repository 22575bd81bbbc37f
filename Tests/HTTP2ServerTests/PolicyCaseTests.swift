import Dispatch
import Foundation
import TestSupport
import Testing

/// The request policy is one: each case of this table runs over HTTP/1.1 and over HTTP/2 (prior knowledge) by the
/// same code, through curl, against the same server, and must get the same status, headers and problem body.
/// A rule written for one protocol only (the 501 for unknown methods was, twice) fails here on the other.
@Suite struct PolicyCaseTests {
    /// One request and what the policy answers to it, whatever the protocol.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var method: String
        var path: String
        var body: String? = nil
        var status: Int
        /// Header fields the answer must carry (names lowercase), e.g. `allow`.
        var headers: [String: String] = [:]
        /// Whether the answer is the server's own problem+json.
        var problem: Bool = true
        /// Over HTTP/1.1 the server answers before the body has arrived (from the declared length). Over HTTP/2 it
        /// would answer early too and then reset the stream with NO_ERROR (RFC 9113 §8.1), which curl 7.88, still
        /// sending, reports as its error 92 without the response it received (curl/curl#22984; nearly always
        /// once the server answered from its event loops): there curl sends no Content-Length, so the refusal
        /// comes from the body itself, arriving whole. The early answer over HTTP/2 is DeclaredLengthTests' job.
        var answersEarly: Bool = false
        /// A `Content-Encoding` the request claims for its body.
        var contentEncoding: String? = nil
        /// The exact body the answer must have, where it says who answered.
        var text: String? = nil
        /// `HTTPLimits.maxBufferedBodyBytes` for this case, when it tests the process-wide body budget.
        var bodyBudget: Int? = nil
        var testDescription: String { name }
    }

    /// The protocols a case runs over: curl's options for each.
    enum Wire: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case http1 = "1.1", http2 = "2"
        var options: [String] { self == .http1 ? ["--http1.1"] : ["--http2-prior-knowledge"] }
        var testDescription: String { "HTTP/\(rawValue)" }
    }

    static let maxBodyBytes = 1000

    static let cases: [Case] = [
        Case(name: "unknown method on a known path (RFC 9110 §15.5.6)", method: "BREW", path: "/hello", status: 405,
             headers: ["allow": "GET, HEAD, OPTIONS"]),
        Case(name: "QUERY, a method the server does not implement", method: "QUERY", path: "/echo", status: 405,
             headers: ["allow": "OPTIONS, POST"]),
        Case(name: "known method the resource does not allow", method: "DELETE", path: "/hello", status: 405,
             headers: ["allow": "GET, HEAD, OPTIONS"]),
        Case(name: "unknown method on an unknown path", method: "BREW", path: "/nowhere", status: 404),
        Case(name: "unknown path", method: "GET", path: "/nowhere", status: 404),
        Case(name: "OPTIONS answers Allow", method: "OPTIONS", path: "/hello", status: 204,
             headers: ["allow": "GET, HEAD, OPTIONS"], problem: false),
        Case(name: "oversized body", method: "POST", path: "/echo",
             body: String(repeating: "x", count: maxBodyBytes + 1), status: 413, answersEarly: true),
        Case(name: "body within the limit", method: "POST", path: "/echo",
             body: String(repeating: "x", count: maxBodyBytes), status: 200, problem: false),
        Case(name: "over the process-wide body budget: 503 + Retry-After", method: "POST", path: "/echo",
             body: String(repeating: "x", count: 600), status: 503, headers: ["retry-after": "1"], answersEarly: true,
             bodyBudget: 500),
        Case(name: "content coding no handler decodes", method: "POST", path: "/echo", body: "x", status: 415,
             headers: ["accept-encoding": "identity"], contentEncoding: "gzip"),
        Case(name: "inline route", method: "GET", path: "/probe", status: 200, problem: false),
        Case(name: "inline attempt that finds the request cheap", method: "GET", path: "/attempt?cheap", status: 200,
             problem: false, text: "inline"),
        Case(name: "inline attempt that declines: the handler on a worker", method: "GET", path: "/attempt",
             status: 200, problem: false, text: "pooled"),
        Case(name: "invalid handler response (CRLF in a header value)", method: "GET", path: "/bad-header",
             status: 500),
        Case(name: "handler throws", method: "GET", path: "/throw", status: 500),
    ]

    @Test(arguments: cases, Wire.allCases)
    func policy(_ policyCase: Case, over protocolVersion: Wire) throws {
        try withH2Server({ configuration in
            configuration.limits.maxBodyBytes = Self.maxBodyBytes
            if let budget = policyCase.bodyBudget { configuration.limits.maxBufferedBodyBytes = budget }
        }) { _, port in
            var options = protocolVersion.options + ["-X", policyCase.method]
            if let coding = policyCase.contentEncoding { options += ["-H", "Content-Encoding: \(coding)"] }
            if let body = policyCase.body { options += ["--data-binary", body] }
            if policyCase.answersEarly && protocolVersion == .http2 { options += ["-H", "Content-Length:"] }
            let url = "http://127.0.0.1:\(port)\(policyCase.path)"
            let answer = try curl(options, url)
            #expect(answer.httpVersion == protocolVersion.rawValue)
            #expect(answer.status == policyCase.status)
            for (name, value) in policyCase.headers {
                #expect(answer.header(name) == value, "\(name)")
            }
            if let text = policyCase.text { #expect(answer.body == text) }
            if policyCase.problem {
                #expect(answer.header("content-type") == "application/problem+json")
                #expect(answer.body.contains(#""status":\#(policyCase.status)"#))
            }
        }
    }

    /// The pool's bound holds for both protocols alike: with the only worker busy and no queue, a request that
    /// needs a worker (an inline attempt that declines included) is refused with 503 and `Retry-After` rather than
    /// queued without end, while a probe that runs inline (`InlinePolicy.always`) and an inline attempt that finds
    /// its request cheap still answer 200.
    @Test(arguments: Wire.allCases)
    func saturatedPoolIs503WithRetryAfterAndProbesStillAnswer(over protocolVersion: Wire) throws {
        try withH2Server({ configuration in
            configuration.workerCount = 1
            configuration.queueDepth = 0
            configuration.retryAfterSeconds = 7
        }) { _, port in
            let busy = DispatchGroup()
            DispatchQueue.global().async(group: busy) {
                // A poll below may hold the only worker when the slow request arrives (curl starts slowly on a
                // loaded machine); the slow request is then refused itself, and tried again.
                for _ in 0..<20 {
                    let slow = try? curl(["--http1.1"], "http://127.0.0.1:\(port)/slow?ms=8000")
                    if slow?.status != 503 { break }
                }
            }
            // Until the slow request holds the worker, the request may still be served: poll.
            var refused: CurlResponse?
            var probe: CurlResponse?
            var cheap: CurlResponse?
            var declined: CurlResponse?
            var seen: [Int] = []
            // Polls for as long as the slow request runs, however slowly curl starts on a loaded machine.
            while refused == nil && busy.wait(timeout: .now()) == .timedOut {
                let response = try curl(protocolVersion.options, "http://127.0.0.1:\(port)/hello")
                seen.append(response.status)
                if response.status == 503 {
                    refused = response
                    probe = try curl(protocolVersion.options, "http://127.0.0.1:\(port)/probe")
                    cheap = try curl(protocolVersion.options, "http://127.0.0.1:\(port)/attempt?cheap")
                    declined = try curl(protocolVersion.options, "http://127.0.0.1:\(port)/attempt")
                } else {
                    usleep(20_000)
                }
            }
            busy.wait()
            let response = try #require(refused, "never refused while the pool was full: \(seen)")
            #expect(response.httpVersion == protocolVersion.rawValue)
            #expect(response.header("retry-after") == "7")
            #expect(response.header("content-type") == "application/problem+json")
            #expect(probe?.status == 200)
            #expect(cheap?.status == 200 && cheap?.body == "inline")
            #expect(declined?.status == 503)
        }
    }
}
