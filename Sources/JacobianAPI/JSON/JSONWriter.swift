/// Writes JSON compactly, straight into bytes: a response is written once into its output buffer, with no
/// intermediate tree when the caller writes members itself, or from a `JSONValue` when it has one.
///
/// Numbers print in the shortest form that parses back to the same double (Swift's own shortest round-trip
/// conversion; a trailing ".0" is dropped, so 13.0 prints as `13`).
public struct JSONWriter: Sendable {
    /// What has been written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it, one flag per open object or array.
    private var needsComma: [Bool] = []

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// A writer for the elements of an array whose brackets another writer writes: the elements are separated
    /// by commas, and `appendElements(of:)` adds them to that writer. How a long array is written in parallel.
    public static func elements(capacity: Int) -> JSONWriter {
        var writer = JSONWriter(capacity: capacity)
        writer.needsComma = [false]
        return writer
    }

    /// Appends the elements written into `other` (made by `elements(capacity:)`) inside the open array.
    public mutating func appendElements(of other: JSONWriter) {
        guard !other.bytes.isEmpty else { return }
        separate()
        bytes.append(contentsOf: other.bytes)
    }

    /// Makes room for `count` more bytes, when the caller can estimate the size of what it writes.
    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// The UTF-8 bytes of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value)
        return writer.bytes
    }

    /// The shortest text that parses back to `number`, for messages; callers guarantee it is finite.
    public static func format(_ number: Double) -> String {
        var writer = JSONWriter(capacity: 24)
        writer.number(number)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: Structure

    /// Opens an object (as a value or an element); members follow as `key(_:)` and a value each.
    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    /// Closes the innermost open object.
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    /// Opens an array; its elements are separated by commas as they are written.
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    /// Closes the innermost open array.
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// A member's key inside an object; its value is written next.
    public mutating func key(_ key: String) {
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    /// Writes the comma before an element or member that is not the first, and marks the next as not first.
    private mutating func separate() {
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }

    // MARK: Values

    /// A finite number; JSON has no representation for infinities and NaN, so those are programmer errors.
    public mutating func number(_ number: Double) {
        precondition(number.isFinite, "JSON has no representation for \(number)")
        separate()
        // Whole numbers (the zeros of a sparse Jacobian, counts, shapes) print as their digits, as `description`
        // does below 1e16 once its ".0" is dropped, without the general shortest-digits search.
        if number.rounded(.towardZero) == number, abs(number) < 1e15 {
            writeInteger(number)
            return
        }
        // The output moves into the stream and back, so it stays uniquely referenced and is never copied.
        var stream = ASCIIStream()
        swap(&stream.bytes, &bytes)
        number.write(to: &stream)
        swap(&stream.bytes, &bytes)
        let count = bytes.count
        if count >= 2, bytes[count - 1] == UInt8(ascii: "0"), bytes[count - 2] == UInt8(ascii: ".") {
            bytes.removeLast(2)
        }
    }

    private mutating func writeInteger(_ number: Double) {
        if number.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(abs(number))
        guard magnitude > 0 else { return bytes.append(UInt8(ascii: "0")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// An array of numbers.
    public mutating func numbers(_ numbers: some Collection<Double>) {
        beginArray()
        for number in numbers { self.number(number) }
        endArray()
    }

    /// An array of strings.
    public mutating func strings(_ strings: some Collection<String>) {
        beginArray()
        for string in strings { self.string(string) }
        endArray()
    }

    /// A string whose bytes the caller guarantees need no escaping (base64, say), appended as they are: a
    /// multi-megabyte base64 array is not scanned for quotes it cannot hold.
    mutating func appendRawString(_ unescaped: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: unescaped)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string of `count` bytes that need no escaping, written by `fill` straight into the output (no
    /// intermediate array for a multi-megabyte base64 answer).
    mutating func appendRawString(count: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { fill(UnsafeMutableBufferPointer(rebasing: $0[start..<(start + count)])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string, escaped per RFC 8259 §7 (DEL too, so logs and terminals stay clean).
    public mutating func string(_ string: String) {
        separate()
        writeString(string)
    }

    /// Any parsed or built JSON value.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: separate(); bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): separate(); bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): self.number(number)
        case .string(let string): self.string(string)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (keys, names) need no escape: copied whole.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: string.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20, 0x7F:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Receives a number's digits from the standard library without making a `String` of them.
///
/// `Double.write(to:)` formats into a stack buffer and hands it to `_writeASCII`, a public (if underscored)
/// `TextOutputStream` requirement whose default would build a `String`; writing the bytes straight into the
/// output halves the cost of a number, which dominates large batch answers. `write(_:)` covers any other caller.
private struct ASCIIStream: TextOutputStream {
    var bytes: [UInt8] = []
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}

/// Shorthands for building responses.
extension JSONValue {
    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
    /// Nested arrays of numbers (matrix rows).
    public static func rows(_ rows: [[Double]]) -> JSONValue { .array(rows.map { numbers($0) }) }
    /// An array of strings.
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
    /// An object from ordered members.
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.key, value: $0.value) }))
    }
}
