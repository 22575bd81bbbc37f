import HTTPServer
import Pictures

/// What a POST endpoint computed, before it is rendered in the representation the client asked for.
protocol EndpointOutcome {
    /// Writes the JSON answer.
    func writeJSON(into writer: inout JSONWriter) throws(Problem)
    /// The picture: a heatmap, an arm or a trajectory.
    func svg() -> String
}

/// An outcome whose JSON answer is small enough to build as a value first (a Newton trajectory, an IK report,
/// Hessians).
protocol JSONValueOutcome: EndpointOutcome {
    /// The JSON answer.
    func json() throws(Problem) -> JSONValue
}

extension JSONValueOutcome {
    func writeJSON(into writer: inout JSONWriter) throws(Problem) { writer.value(try json()) }
}

/// The two representations a POST endpoint can answer with, chosen by `?format=` or by the Accept header.
enum Representation: String {
    case json
    case svg

    static let mediaTypes = ["application/json", "image/svg+xml"]

    /// The representation a request asks for: `?format=json|svg` wins over `Accept` (RFC 9110 §12.5.1,
    /// with `application/json` preferred on ties such as `*/*`). Nothing acceptable → 406.
    static func negotiate(_ request: HTTPRequest) throws(Problem) -> Representation {
        if let format = queryParameter("format", in: request.query) {
            guard let representation = Representation(rawValue: format.lowercased()) else {
                throw Problem.invalid("format", "unknown format '\(format)' in the query; expected 'json' or 'svg'")
            }
            return representation
        }
        let accept = request.headers.values(for: "Accept")
        let header = accept.isEmpty ? nil : accept.joined(separator: ", ")
        switch MediaNegotiation.preferred(accept: header, available: mediaTypes) {
        case "image/svg+xml": return .svg
        case "application/json": return .json
        default:
            throw Problem(.notAcceptable,
                detail: "none of the types in Accept can be served; this endpoint answers application/json or image/svg+xml")
        }
    }

    /// The first value of `name` in a query string (`a=1&format=svg`), percent-decoding not needed for our values.
    static func queryParameter(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first == Substring(name) { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}

/// Responses the API builds.
enum Responses {
    static func json(_ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: body)
    }

    static func svg(_ document: String) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "image/svg+xml"], body: Array(document.utf8))
    }

    /// A problem+json response: errors stay JSON whatever Accept says (RFC 9457 §3).
    static func problem(_ problem: Problem) -> HTTPResponse {
        problem.response
    }
}
