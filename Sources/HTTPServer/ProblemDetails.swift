/// RFC 9457 problem details: the one error format of the service.
public enum ProblemDetails {
    /// `{"type": "about:blank", "title": <reason>, "status": <code>, "detail": <detail>}` as
    /// `application/problem+json`. The default `HTTPServerConfiguration.errorResponder`.
    public static let response: HTTPErrorResponder = { status, detail in
        let body = "{\"type\":\"about:blank\",\"title\":\(jsonString(status.reason)),\"status\":\(status.code),"
            + "\"detail\":\(jsonString(detail))}"
        var response = HTTPResponse(status: status, contentType: "application/problem+json", body: body)
        response.failureDetail = detail
        return response
    }

    /// `text` as a JSON string literal, escaped per RFC 8259 §7 (DEL too, so logs and terminals stay clean).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
