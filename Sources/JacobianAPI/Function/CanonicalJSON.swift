import JacobianEngine

/// A canonical binary form of a JSON value: the compile-cache key of a request's `function`.
///
/// Equal for documents that differ only in whitespace, member order or number spelling (`1`, `1.0`, `1e0`);
/// different when any value differs, the sign of a zero included (`atan2(-0, -1)` is −π, `atan2(0, -1)` is π).
/// Each value is a tag byte, then a length or a bit pattern, then its contents, so no two documents share bytes.
enum CanonicalJSON {
    static func key(_ value: JSONValue) -> FunctionKey {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(value, into: &bytes)
        return FunctionKey(canonicalBytes: bytes)
    }

    private static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(0)
        case .bool(let flag): bytes.append(flag ? 2 : 1)
        case .number(let number):
            bytes.append(3)
            append(number.bitPattern, into: &bytes)
        case .string(let string):
            bytes.append(4)
            appendString(string, into: &bytes)
        case .array(let elements):
            bytes.append(5)
            append(UInt64(elements.count), into: &bytes)
            for element in elements { write(element, into: &bytes) }
        case .object(let object):
            bytes.append(6)
            append(UInt64(object.members.count), into: &bytes)
            // Sorted by UTF-8 bytes, not by `String`'s comparison, which equates canonically equivalent keys.
            let members = object.members
            func precedes(_ left: Int, _ right: Int) -> Bool {
                members[left].key.utf8.lexicographicallyPrecedes(members[right].key.utf8)
            }
            func writeMembers(inOrder order: some Sequence<Int>) {
                for index in order {
                    appendString(members[index].key, into: &bytes)
                    write(members[index].value, into: &bytes)
                }
            }
            // A function's objects have a handful of members: their order is found by insertion sort in a stack
            // buffer, saving a heap allocation per object on every request; larger objects are sorted as usual.
            if members.count <= 16 {
                withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { order in
                    for next in 0..<members.count {
                        var slot = next
                        while slot > 0 && precedes(next, order[slot - 1]) {
                            order[slot] = order[slot - 1]
                            slot -= 1
                        }
                        order[slot] = next
                    }
                    writeMembers(inOrder: order)
                }
            } else {
                writeMembers(inOrder: members.indices.sorted(by: precedes))
            }
        }
    }

    private static func appendString(_ string: String, into bytes: inout [UInt8]) {
        append(UInt64(string.utf8.count), into: &bytes)
        bytes.append(contentsOf: string.utf8)
    }

    private static func append(_ word: UInt64, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
