#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 JSON parser that reports the line and column of the first syntax error.
///
/// Foundation's parsers on Linux say only "not valid JSON", and the API promises the line and column, so the
/// service parses request bodies itself. Hardening: nesting is capped (`maxDepth`, checked before descending, so
/// the recursion depth is bounded), duplicate keys are refused (two parsers reading one body differently is how
/// smuggling starts), numbers outside the double range are refused rather than turned into infinity, and strings
/// must be valid UTF-8 without raw control characters.
public struct JSONParser: Sendable {
    /// Deepest nesting of arrays and objects accepted. Default ``defaultMaxDepth``.
    public var maxDepth: Int

    /// 64: requests nest 4 levels at most (network weights); 64 leaves room and keeps the recursion far from any
    /// stack limit. `APIConfiguration.maxJSONDepth` defaults to it too.
    public static let defaultMaxDepth = 64

    public init(maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// A syntax error with its 1-based line and column (columns count Unicode scalars, not bytes).
    public struct SyntaxError: Error, Equatable, Sendable {
        public var message: String
        public var line: Int
        public var column: Int
        /// Byte offset of the error in the input.
        public var offset: Int
    }

    /// Parses one JSON value that must span the whole input (surrounding whitespace allowed).
    public func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        let result: Result<JSONValue, SyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONParser.SyntaxError) {
                cursor.skipWhitespace()
                let value = try cursor.parseValue(depth: 0)
                cursor.skipWhitespace()
                if cursor.position < buffer.count {
                    throw cursor.error("unexpected \(cursor.describeCurrent()) after the end of the JSON value")
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8 { bytes[position] }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParser.SyntaxError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        for index in 0..<offset {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count scalars: skip UTF-8 continuation bytes
                column += 1
            }
        }
        return .init(message: message + " at line \(line), column \(column)", line: line, column: column, offset: offset)
    }

    func describeCurrent() -> String {
        guard !atEnd else { return "end of input" }
        let byte = current
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func parseValue(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard !atEnd else { throw error("unexpected end of input, expected a value") }
        switch current {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.SyntaxError) {
        let start = position
        for expected in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard !atEnd, current == expected else {
                throw error("invalid literal, expected '\(literal)'", at: start)
            }
            position += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if !atEnd && current == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()), expected a member name in double quotes")
            }
            let keyOffset = position
            let key = try parseString()
            if object[key] != nil { throw error("duplicate member name \"\(key)\"", at: keyOffset) }
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
            object.append(key, try parseValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw error("unexpected end of input, expected ',' or '}'") }
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            throw error("unexpected \(describeCurrent()), expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if !atEnd && current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        // Room for a point of a few numbers at once: without it, a batch's 100,000 small arrays each grow twice.
        elements.reserveCapacity(4)
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw error("unexpected end of input, expected ',' or ']'") }
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            throw error("unexpected \(describeCurrent()), expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws(JSONParser.SyntaxError) -> Double {
        let start = position
        let negative = current == UInt8(ascii: "-")
        if negative { position += 1 }
        guard !atEnd, isDigit(current) else { throw error("invalid number: expected a digit") }
        // The grammar is checked and the significant digits gathered in the same pass, for `ExactDecimal`:
        // at most 19 (below 2^64), leading zeros of a fraction moving only the exponent. The scan runs on locals
        // (`index`, `base`), stored back before any error and at the end: this loop reads every digit of a batch.
        let base = bytes.baseAddress!, count = bytes.count
        var index = position
        @inline(__always) func digit(at index: Int) -> UInt8? {
            guard index < count else { return nil }
            let value = base[index] &- UInt8(ascii: "0")
            return value < 10 ? value : nil
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var tooManyDigits = false
        var exponent = 0
        /// Takes one more significant digit; past 19 (what a UInt64 holds) the number goes to strtod.
        @inline(__always) func accumulate(_ value: UInt8) {
            if significantDigits < 19 {
                significand = significand &* 10 &+ UInt64(value)
                significantDigits += 1
            } else {
                tooManyDigits = true
            }
        }
        if base[index] == UInt8(ascii: "0") {
            index += 1
            if digit(at: index) != nil {
                position = index
                throw error("invalid number: leading zeros are not allowed", at: start)
            }
        } else {
            while let value = digit(at: index) {
                accumulate(value)
                index += 1
            }
        }
        if index < count, base[index] == UInt8(ascii: ".") {
            index += 1
            guard digit(at: index) != nil else {
                position = index
                throw error("invalid number: expected a digit after '.'")
            }
            while true {
                // Eight digits at a time once the significand has begun and has room for them (most of a
                // 16-digit fraction), else one.
                if significand != 0, significantDigits <= 11, index + 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    if let eight = ExactDecimal.eightDigits(word) {
                        significand = significand &* 100_000_000 &+ eight
                        significantDigits += 8
                        exponent -= 8
                        index += 8
                        continue
                    }
                }
                guard let value = digit(at: index) else { break }
                exponent -= 1
                if significand != 0 || value != 0 { accumulate(value) }
                index += 1
            }
        }
        if index < count, base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index += 1
            }
            guard digit(at: index) != nil else {
                position = index
                throw error("invalid number: expected a digit in the exponent")
            }
            var written = 0
            while let value = digit(at: index) {
                // Saturates: any exponent this large is far outside the fast path and strtod reads the text.
                if written < 100_000 { written = written * 10 + Int(value) }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        position = index
        if !tooManyDigits, let value = ExactDecimal.value(significand: significand, exponent: exponent, negative: negative) {
            return value
        }
        // The digits are converted where they lie: strtod stops at the byte after the number, which the grammar
        // above has shown cannot continue it. Should it stop elsewhere (a process locale whose decimal point is
        // not '.'), or at the very end of the input, where there is no such byte, the number is copied and
        // converted by Swift, which ignores locales.
        if position < bytes.count, let base = bytes.baseAddress {
            let digits = UnsafeRawPointer(base.advanced(by: start)).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(digits, &end)
            if let end, UnsafePointer(end) - digits == position - start {
                guard value.isFinite else {
                    throw error("number \(describeNumber(from: start)) is outside the range of a double", at: start)
                }
                return value
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text.prefix(40)) is outside the range of a double", at: start)
        }
        return value
    }

    func describeNumber(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(position, start + 40)]), as: UTF8.self)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Skips eight bytes at a time while none is a quote, a backslash or a control character (SWAR tests on one
    /// word), so that a multi-megabyte base64 string is scanned at memory speed; the byte loop handles the rest.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        guard let base = bytes.baseAddress else { return }
        while position + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let control = (word &- ones &* 0x20) & ~word & highs != 0  // A byte below 0x20.
            if control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { return }
            position += 8
        }
    }

    mutating func parseString() throws(JSONParser.SyntaxError) -> String {
        position += 1  // opening quote
        // What precedes the current run once an escape was seen. Runs are appended as strings (a copy of their
        // UTF-8), not scalar by scalar: a URDF in a JSON string has an escape every line, and appending its scalars
        // one by one was a fifth of FuzzRequests' time (perf).
        var unescaped = ""
        var runStart = position
        func flushRun(_ cursor: Cursor, _ end: Int, into unescaped: inout String) -> Bool {
            guard end > runStart else { return true }
            guard let run = String(validating: UnsafeBufferPointer(rebasing: cursor.bytes[runStart..<end]), as: UTF8.self)
            else { return false }
            unescaped.append(run)
            return true
        }
        while true {
            skipPlainStringBytes()
            guard !atEnd else { throw error("unterminated string") }
            let byte = current
            if byte == UInt8(ascii: "\"") {
                if unescaped.isEmpty {
                    // No escape seen (keys, names, most formulas): the bytes are the string, once validated.
                    guard let string = String(validating: UnsafeBufferPointer(rebasing: bytes[runStart..<position]),
                                               as: UTF8.self)
                    else { throw error("invalid UTF-8 in string", at: runStart) }
                    position += 1
                    return string
                }
                guard flushRun(self, position, into: &unescaped) else { throw error("invalid UTF-8 in string", at: runStart) }
                position += 1
                return unescaped
            }
            if byte < 0x20 { throw error("control character 0x\(String(byte, radix: 16)) must be escaped in a string") }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            guard flushRun(self, position, into: &unescaped) else { throw error("invalid UTF-8 in string", at: runStart) }
            position += 1
            guard !atEnd else { throw error("unterminated escape sequence") }
            let escape = current
            position += 1
            switch escape {
            case UInt8(ascii: "\""): unescaped.unicodeScalars.append("\"")
            case UInt8(ascii: "\\"): unescaped.unicodeScalars.append("\\")
            case UInt8(ascii: "/"): unescaped.unicodeScalars.append("/")
            case UInt8(ascii: "b"): unescaped.unicodeScalars.append("\u{08}")
            case UInt8(ascii: "f"): unescaped.unicodeScalars.append("\u{0C}")
            case UInt8(ascii: "n"): unescaped.unicodeScalars.append("\n")
            case UInt8(ascii: "r"): unescaped.unicodeScalars.append("\r")
            case UInt8(ascii: "t"): unescaped.unicodeScalars.append("\t")
            case UInt8(ascii: "u"): unescaped.unicodeScalars.append(try parseUnicodeEscape())
            default: throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))'", at: position - 2)
            }
            runStart = position
        }
    }

    mutating func parseHex4() throws(JSONParser.SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard !atEnd, let digit = hexValue(current) else { throw error("invalid \\u escape: expected 4 hex digits") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    mutating func parseUnicodeEscape() throws(JSONParser.SyntaxError) -> Unicode.Scalar {
        let start = position - 2
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) { throw error("unpaired low surrogate in \\u escape", at: start) }
        if (0xD800...0xDBFF).contains(high) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("unpaired high surrogate in \\u escape", at: start) }
            position += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape", at: start) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        return Unicode.Scalar(high)!
    }
}
