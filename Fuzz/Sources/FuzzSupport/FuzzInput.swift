/// One input from libFuzzer, with what the targets derive from it: a seed (so that splits and points are a
/// function of the input, and a crash file replays exactly), pieces, and points to evaluate at.
public struct FuzzInput {
    /// The input's bytes.
    public let bytes: [UInt8]

    /// The bytes libFuzzer passes to `LLVMFuzzerTestOneInput`.
    public init(_ start: UnsafeRawPointer?, _ count: Int) {
        bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    }

    /// FNV-1a of the bytes: a seed that changes with every byte.
    public var seed: UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The bytes cut at up to 8 points chosen from the seed (possibly none, possibly repeated, so empty
    /// pieces occur too), as a socket might deliver them.
    public func pieces() -> [ArraySlice<UInt8>] {
        var generator = SplitMix64(seed: seed)
        let cutCount = Int(generator.next() % 9)
        let cuts = (0..<cutCount).map { _ in Int(generator.next() % UInt64(bytes.count + 1)) }.sorted()
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            pieces.append(bytes[start..<cut])
            start = cut
        }
        return pieces
    }

    /// The bytes one at a time, the hardest split for an incremental parser.
    public func bytewise() -> [ArraySlice<UInt8>] {
        bytes.indices.map { bytes[$0..<($0 + 1)] }
    }

    /// `count` numbers from the seed: mostly moderate values, sometimes zero, ±1, huge or tiny ones, which is
    /// where functions and their derivatives misbehave.
    public func point(count: Int) -> [Double] {
        var generator = SplitMix64(seed: seed ^ 0x5eed)
        let special: [Double] = [0, 1, -1, 0.5, 1e-300, -1e-300, 1e300, -1e300, .pi, 710, -745]
        return (0..<count).map { _ in
            let draw = generator.next()
            if draw % 4 == 0 { return special[Int(draw >> 8) % special.count] }
            return Double.random(in: -4...4, using: &generator)
        }
    }

    /// The bytes as text (invalid UTF-8 repaired), for parsers of text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast generator whose sequence is fixed by its seed.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Stops the process with `message` when `condition` fails: libFuzzer records the input as a crash. Used for
/// properties a parser must keep (a split must not change what is parsed), not only for crashes.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
