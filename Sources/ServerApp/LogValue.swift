import HTTPServer
import Logging

/// A metadata value as it is written in a log line: text, or a number (written bare in JSON), or a nested value
/// flattened to text.
enum LogValue {
    case text(String)
    case number(String)

    init(_ value: Logger.Metadata.Value) {
        switch value {
        case .string(let text):
            self = .text(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let integer as any BinaryInteger:
                self = .number(integer.description)
            case let double as Double where double.isFinite:
                self = .number(double.description)
            default:
                self = .text(convertible.description)
            }
        case .array, .dictionary:
            self = .text(value.description)
        }
    }

    /// logfmt: bare when the text is a plain token, otherwise quoted with `\"`, `\\` and control characters escaped.
    var logfmt: String {
        switch self {
        case .number(let digits):
            return digits
        case .text(let text):
            let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" && $0.value != 0x7F
            }
            return plain ? text : Self.quoted(text)
        }
    }

    /// JSON: numbers bare, text as a string literal.
    var json: String {
        switch self {
        case .number(let digits): return digits
        case .text(let text): return Self.jsonString(text)
        }
    }

    /// A logfmt key: the key's characters that are allowed bare, others replaced by `_`.
    static func logfmtKey(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map {
            $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0.value < 0x7F ? Character($0) : "_"
        })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// A JSON string literal (RFC 8259 §7).
    static func jsonString(_ text: String) -> String {
        quoted(text)
    }

    /// `"text"` with quotes, backslashes and control characters escaped; the same rules serve logfmt and JSON,
    /// and the server's problem documents.
    private static func quoted(_ text: String) -> String {
        Problem.jsonString(text)
    }
}
