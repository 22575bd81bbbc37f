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
    /// Its text is `DecimalText`'s: the shortest that reads back to the same double.
    public mutating func number(_ number: Double) {
        separate()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalText.maxLength) { buffer in
            let count = DecimalText.write(number, to: buffer.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
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
    /// intermediate array for a multi-megabyte base64 answer, and no zeros written first).
    mutating func appendRawString(count: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        appendUninitialized(count: count, fill: fill)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Elements of the open array, `count` bytes of them written by `fill` (commas between them included), after
    /// a comma when the array already has elements. How a batch writer adds what it wrote in parallel.
    mutating func appendRawElements(count: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        guard count > 0 else { return }
        separate()
        appendUninitialized(count: count, fill: fill)
    }

    /// Appends `count` bytes that `fill` writes into the output's own storage, which it must fill entirely.
    /// Appending a collection of zeros and overwriting them would write every byte twice (and a multi-megabyte
    /// answer's bytes are most of its cost); `Array.append(contentsOf:)` instead hands a sequence the
    /// uninitialized room after the last element (`_copyContents(initializing:)`), which `fill` writes once.
    private mutating func appendUninitialized(count: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(fill) { fill in
            bytes.append(contentsOf: UninitializedBytes(count: count, fill: fill))
        }
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

/// `count` bytes that exist only as what `fill` writes into the storage they are copied to: `Array.append
/// (contentsOf:)` reserves room for `underestimatedCount` elements and asks `_copyContents(initializing:)` to
/// initialize them in place. Iterating it yields nothing; it is made for that one call.
private struct UninitializedBytes: Sequence {
    let count: Int
    let fill: (UnsafeMutableBufferPointer<UInt8>) -> Void

    var underestimatedCount: Int { count }

    func makeIterator() -> EmptyCollection<UInt8>.Iterator { EmptyCollection().makeIterator() }

    func _copyContents(
        initializing buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> (EmptyCollection<UInt8>.Iterator, UnsafeMutableBufferPointer<UInt8>.Index) {
        precondition(buffer.count >= count, "the array did not reserve room for underestimatedCount bytes")
        fill(UnsafeMutableBufferPointer(rebasing: buffer[..<count]))
        return (makeIterator(), count)
    }
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
