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
            // Int and Double first: a cast to a concrete type is far cheaper than to `any BinaryInteger`, and the
            // access log's numbers are all Ints and Doubles.
            switch convertible {
            case let number as Number:
                self = .number(number.description)
            case let integer as Int:
                self = .number(integer.description)
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

    /// A number already written as digits, handed through swift-log: logged bare, like the `Int` or `Double` it
    /// was.
    struct Number: CustomStringConvertible, Sendable {
        let description: String
    }

    /// The value as swift-log metadata, for a handler other than `LineLogHandler`; `LogValue(_:)` takes it back
    /// unchanged.
    var metadataValue: Logger.Metadata.Value {
        switch self {
        case .text(let text): return .string(text)
        case .number(let digits): return .stringConvertible(Number(description: digits))
        }
    }

    /// Appends the logfmt form: bare when the text is a plain token, otherwise quoted with `\"`, `\\` and control
    /// characters escaped.
    func appendLogfmt(to line: inout [UInt8]) {
        switch self {
        case .number(let digits):
            line.append(contentsOf: digits.utf8)
        case .text(let text):
            let plain = !text.isEmpty && text.utf8.allSatisfy(Self.isBareLogfmt)
            if plain { line.append(contentsOf: text.utf8) } else { Self.appendJSONString(text, to: &line) }
        }
    }

    /// Appends the JSON form: numbers bare, text as a string literal.
    func appendJSON(to line: inout [UInt8]) {
        switch self {
        case .number(let digits): line.append(contentsOf: digits.utf8)
        case .text(let text): Self.appendJSONString(text, to: &line)
        }
    }

    /// Appends a logfmt key: the key's characters that are allowed bare, others replaced by `_`.
    static func appendLogfmtKey(_ key: String, to line: inout [UInt8]) {
        if key.isEmpty {
            line.append(UInt8(ascii: "_"))
        } else if key.utf8.allSatisfy(isBareKey) {
            line.append(contentsOf: key.utf8)
        } else {
            for scalar in key.unicodeScalars {
                let bare = scalar.value < 0x80 && isBareKey(UInt8(scalar.value))
                line.append(bare ? UInt8(scalar.value) : UInt8(ascii: "_"))
            }
        }
    }

    /// Appends `text` as a JSON string literal (RFC 8259 §7); the same quoting serves logfmt values that are not
    /// plain tokens. Text needing no escape (nearly all of it) is copied whole.
    static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: text.utf8)
            line.append(UInt8(ascii: "\""))
        } else {
            line.append(contentsOf: Problem.jsonString(text).utf8)
        }
    }

    /// A character a logfmt key keeps: visible ASCII but `"` and `=`.
    private static func isBareKey(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
    }

    /// A byte that logfmt allows outside quotes: visible ASCII (and UTF-8 beyond it) but `"`, `=` and `\\`.
    private static func isBareLogfmt(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
            && byte != UInt8(ascii: "\\")
    }
}
