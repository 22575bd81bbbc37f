import Foundation

/// Turns a request's bytes and Content-Type into a JSON document, or the problem that explains why not.
///
/// Accepted: `application/json`, any `+json` type, no Content-Type at all, and `application/x-www-form-urlencoded`
/// when the body is in fact JSON (that is what `curl -d` sends). Anything else is 415.
enum RequestBody {
    static func decode(_ body: [UInt8], contentType: String?, parser: JSONParser) throws(Problem) -> JSONValue {
        let mediaType = contentType.map(mediaTypeOf)
        switch mediaType {
        case nil, "application/json", "application/x-www-form-urlencoded":
            break
        case let type? where type.hasSuffix("+json") && type.contains("/"):
            break
        case let type?:
            throw Problem(.unsupportedMediaType,
                detail: "Content-Type '\(type)' is not supported; send JSON as application/json (curl --json)")
        }
        guard !body.isEmpty else {
            throw Problem(.malformedJSON, detail: "the request body is empty; send a JSON object",
                extensions: [("line", .number(1)), ("column", .number(1))])
        }
        do {
            return try parser.parse(body)
        } catch {
            var detail = "the request body is not valid JSON: \(error.message)"
            if mediaType == "application/x-www-form-urlencoded" {
                detail += " (it was sent as a form, as `curl -d` does; use `curl --json`)"
            }
            throw Problem(.malformedJSON, detail: detail,
                extensions: [("line", .number(Double(error.line))), ("column", .number(Double(error.column)))])
        }
    }

    /// The media type of a Content-Type value, lowercased and without parameters ("application/json; charset=utf-8").
    static func mediaTypeOf(_ contentType: String) -> String {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
