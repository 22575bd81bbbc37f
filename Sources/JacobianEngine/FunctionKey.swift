/// A caller's canonical form of a function specification, used as a compile-cache key so that a function seen
/// before is found without decoding it again (see `JacobianEngine.cachedFunction(for:withRespectTo:)`).
///
/// The caller guarantees that equal specifications give equal bytes and different ones different bytes: for JSON,
/// members sorted by key, numbers by their bit pattern (so `0.0` and `-0.0` differ, as they can change the
/// function), independent of whitespace. The engine compares the bytes whole; it never interprets them.
public struct FunctionKey: Hashable, Sendable {
    /// The canonical bytes.
    public let bytes: [UInt8]

    /// A key from canonical bytes.
    public init(canonicalBytes bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The bytes as one block: the synthesized conformance would feed the hasher one byte at a time (3% of a small
    /// POST's CPU in a profile, issue #11).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
