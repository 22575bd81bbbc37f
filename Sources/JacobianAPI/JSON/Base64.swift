/// Base64 (RFC 4648 §4, standard alphabet, with padding, no line breaks) over raw bytes, table-driven: large
/// batches' arrays are decoded straight into doubles and encoded straight into the response, with no `Data` or
/// `String` in between (Foundation's codec and its copies cost more than the Jacobians of a 3×3 batch).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Every 12-bit group's two characters, as they lie in memory (first character in the low byte), so that
    /// three bytes cost two table loads.
    private static let pairs: [UInt16] = (0..<4096).map { group in
        UInt16(alphabet[group >> 6]) | UInt16(alphabet[group & 63]) << 8
    }

    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet ('=' included).
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// Characters encoding `count` bytes.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `source` into `destination`, which has room for `encodedCount(source.count)` bytes.
    static func encode(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<UInt8>) {
        guard let input = source.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = source.count, whole = count / 3 * 3
        pairs.withUnsafeBufferPointer { pairs in
            var out = UnsafeMutableRawPointer(destination)
            var index = 0
            // Six bytes at a time from one 8-byte load (big-endian, so the first byte is the highest), four pairs
            // stored as one word.
            while index + 8 <= count {
                let word = UInt64(bigEndian: UnsafeRawPointer(input + index).loadUnaligned(as: UInt64.self))
                let characters = UInt64(pairs[Int(truncatingIfNeeded: word >> 52) & 0xFFF])
                    | UInt64(pairs[Int(truncatingIfNeeded: word >> 40) & 0xFFF]) << 16
                    | UInt64(pairs[Int(truncatingIfNeeded: word >> 28) & 0xFFF]) << 32
                    | UInt64(pairs[Int(truncatingIfNeeded: word >> 16) & 0xFFF]) << 48
                out.storeBytes(of: characters.littleEndian, as: UInt64.self)
                out += 8
                index += 6
            }
            while index < whole {
                let group = Int(input[index]) << 16 | Int(input[index + 1]) << 8 | Int(input[index + 2])
                out.storeBytes(of: pairs[group >> 12].littleEndian, toByteOffset: 0, as: UInt16.self)
                out.storeBytes(of: pairs[group & 0xFFF].littleEndian, toByteOffset: 2, as: UInt16.self)
                out += 4
                index += 3
            }
            let left = count - whole
            guard left > 0 else { return }
            let group = Int(input[index]) << 16 | (left == 2 ? Int(input[index + 1]) << 8 : 0)
            let bytes = out.assumingMemoryBound(to: UInt8.self)
            bytes[0] = alphabet[group >> 18]
            bytes[1] = alphabet[(group >> 12) & 63]
            bytes[2] = left == 2 ? alphabet[(group >> 6) & 63] : UInt8(ascii: "=")
            bytes[3] = UInt8(ascii: "=")
        }
    }

    /// Bytes `text` (of length `count`) decodes to, or nil when its length is not a multiple of four or its
    /// padding is malformed (the characters themselves are checked by `decode`).
    static func decodedCount(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        guard count > 0 else { return 0 }
        let padding = text[count - 1] == UInt8(ascii: "=") ? (text[count - 2] == UInt8(ascii: "=") ? 2 : 1) : 0
        return count / 4 * 3 - padding
    }

    /// Decodes `text` into `destination` (room for `decodedCount(text)` bytes); false when a character is
    /// outside the alphabet or padding appears anywhere but at the end.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableRawPointer) -> Bool {
        guard let total = decodedCount(text) else { return false }
        guard total > 0, let input = text.baseAddress else { return true }
        let padding = text.count / 4 * 3 - total
        let whole = text.count / 4 - (padding > 0 ? 1 : 0)
        let out = destination.assumingMemoryBound(to: UInt8.self)
        return values.withUnsafeBufferPointer { table in
            // Invalid characters map to 0xFF; OR-ing every value and testing the high bit once at the end keeps
            // the loop free of branches.
            var invalid: UInt8 = 0
            var first = 0
            // Eight characters at a time into six bytes, stored as one word whose two extra bytes the next step
            // overwrites (so only while eight bytes fit).
            while first + 2 <= whole && 3 * first + 8 <= total {
                let c = input + 4 * first
                var group: UInt64 = 0
                for k in 0..<8 {
                    let value = table[Int(c[k])]
                    invalid |= value
                    group = group << 6 | UInt64(value)
                }
                UnsafeMutableRawPointer(out + 3 * first).storeBytes(of: (group << 16).bigEndian, as: UInt64.self)
                first += 2
            }
            for quad in first..<whole {
                let a = table[Int(input[4 * quad])], b = table[Int(input[4 * quad + 1])]
                let c = table[Int(input[4 * quad + 2])], d = table[Int(input[4 * quad + 3])]
                invalid |= a | b | c | d
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out[3 * quad] = UInt8(truncatingIfNeeded: group >> 16)
                out[3 * quad + 1] = UInt8(truncatingIfNeeded: group >> 8)
                out[3 * quad + 2] = UInt8(truncatingIfNeeded: group)
            }
            guard invalid & 0x80 == 0 else { return false }
            guard padding > 0 else { return true }
            // The last quad: two or three characters, then the padding.
            let last = input + 4 * whole, target = out + 3 * whole
            let a = table[Int(last[0])], b = table[Int(last[1])]
            let c = padding == 1 ? table[Int(last[2])] : 0
            guard (a | b | c) & 0x80 == 0 else { return false }
            target[0] = a << 2 | b >> 4
            if padding == 1 { target[1] = b << 4 | c >> 2 }
            return true
        }
    }
}
