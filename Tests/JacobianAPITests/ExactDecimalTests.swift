#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport
import Testing
@testable import JacobianAPI

/// The parser's decimal reader (`ExactDecimal`'s fast path, strtod for the rest) must give exactly strtod's double,
/// bit for bit, on every number a client may send.
@Suite struct ExactDecimalTests {
    /// strtod's reading of `text`, the reference.
    func strtodValue(_ text: String) -> Double {
        text.withCString { strtod($0, nil) }
    }

    /// The parser's reading of `text` as a JSON number, alone and inside an array (where the byte after the
    /// number is a comma, not the end of the input).
    func parsed(_ text: String) throws -> (alone: Double, inArray: Double) {
        guard case .number(let alone) = try JSONParser().parse(Array(text.utf8)),
              case .array(let items) = try JSONParser().parse(Array("[\(text),1]".utf8)),
              case .number(let inArray) = items[0]
        else { throw ParseFailure(text: text) }
        return (alone, inArray)
    }

    struct ParseFailure: Error { var text: String }

    func expectSameAsStrtod(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = strtodValue(text)
        let (alone, inArray) = try parsed(text)
        #expect(alone.bitPattern == expected.bitPattern, "\(text): \(alone) but strtod \(expected)",
                sourceLocation: sourceLocation)
        #expect(inArray.bitPattern == expected.bitPattern, "\(text) in an array: \(inArray) but strtod \(expected)",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "0", "-0", "0.0", "-0.0", "0e0", "-0e-400", "0.000000000000000000000000", "1", "-1", "9",
        // 2^53 and its neighbours: the last significand the fast path takes, and the first it leaves to strtod.
        "9007199254740992", "9007199254740993", "9007199254740991", "-9007199254740993",
        "9007199254740992e22", "9007199254740992e-22", "9007199254740993e-22",
        // The powers of ten at the ends of the exact range, and just beyond.
        "1e22", "1e23", "1e-22", "1e-23", "123456789012345e22", "123456789012345e-22", "1.7976931348623157e308",
        // Subnormals and the smallest numbers, all past the fast path.
        "5e-324", "4.9406564584124654e-324", "2.2250738585072014e-308", "2.2250738585072009e-308", "1e-320",
        // 17 significant digits, and more than 19 (the reader stops gathering at 19).
        "0.10000000000000001", "0.30000000000000004", "1.0000000000000002", "123456789012345678",
        "1234567890123456789", "12345678901234567890", "0.12345678901234567890123", "1.00000000000000000000001",
        "3.141592653589793238462643383279", "100000000000000000000000", "0.000000000000000000000000001",
        // Fractions with leading zeros, exponents with signs, capital E, halfway cases of the fast path.
        "0.000123", "-0.0006921783072203893", "2.5E-3", "2.5e+3", "1E0", "0.5", "2.5", "1.5e-5", "9.5367431640625e-7",
        "8.673617379884035e-19", "4.35", "0.1", "0.2", "0.3", "1e-7", "123.456e-2",
        // The tutorial batch's numbers as Python prints them.
        "-0.5240707458162173", "0.08845845059190371", "-0.2600896669038415", "0.02347469244336081",
    ])
    func edgeCasesReadAsStrtodDoes(_ text: String) throws {
        try expectSameAsStrtod(text)
    }

    @Test func randomDoublesInShortestFormReadBack() throws {
        var generator = SeededGenerator(seed: 20)
        for _ in 0..<20_000 {
            // Any finite double, from all exponents (bit patterns), and the uniform ones a batch holds.
            let bits = Double(bitPattern: generator.next() & ~(0x7FF << 52) | (UInt64.random(in: 0...0x7FE, using: &generator) << 52))
            let uniform = Double.random(in: -1...1, using: &generator)
            for value in [bits, uniform] {
                let text = value.description
                try expectSameAsStrtod(text)
                #expect(try parsed(text).alone.bitPattern == value.bitPattern, "\(text) does not read back")
            }
        }
    }

    /// The integer path (`wide`) on every significand width and exponent it takes, against strtod, including
    /// values built to sit exactly halfway between two doubles.
    @Test func wideSignificandsReadAsStrtodDoes() {
        var generator = SeededGenerator(seed: 22)
        for _ in 0..<40_000 {
            let exponent = Int.random(in: -ExactDecimal.maxWideExponent...ExactDecimal.maxWideExponent, using: &generator)
            var significand = generator.next() >> UInt64.random(in: 0...40, using: &generator)
            if significand == 0 { significand = 1 }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                // A double's midpoint: an odd multiple of 2^(k-1) above 2^53 ties at exponent 0.
                significand = (UInt64.random(in: 1 << 52..<1 << 53, using: &generator) << 11) | (1 << 10)
            }
            let expected = strtodValue("\(significand)e\(exponent)")
            let value = ExactDecimal.value(significand: significand, exponent: exponent, negative: false)
            #expect(value?.bitPattern == expected.bitPattern, "\(significand)e\(exponent): \(String(describing: value)), strtod \(expected)")
        }
    }

    @Test func randomDigitStringsReadAsStrtodDoes() throws {
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<30_000 {
            let digitCount = Int.random(in: 1...22, using: &generator)
            var digits = (0..<digitCount).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) }
            if digits.count > 1 && digits[0] == "0" { digits[0] = "7" }
            var text = Bool.random(using: &generator) ? "-" : ""
            switch Int.random(in: 0...2, using: &generator) {
            case 0:  // An integer.
                text += String(digits)
            case 1:  // A decimal point somewhere inside the digits.
                let point = Int.random(in: 1...digitCount, using: &generator)
                text += String(digits[..<point]) + "." + (point == digitCount ? "0" : String(digits[point...]))
            default:  // A fraction with leading zeros.
                text += "0." + String(repeating: "0", count: Int.random(in: 0...25, using: &generator)) + String(digits)
            }
            if Bool.random(using: &generator) {
                text += ["e", "E", "e+", "e-"].randomElement(using: &generator)!
                text += String(Int.random(in: 0...40, using: &generator))
            }
            try expectSameAsStrtod(text)
        }
    }

    @Test func shortcutsTakeWhatTheyReadExactlyOnly() {
        let limit = ExactDecimal.maxSignificand
        #expect(ExactDecimal.value(significand: limit, exponent: 0, negative: false) == 9007199254740992)
        // 2^53 + 1 is halfway between two doubles: the even one, 2^53. 2^53 + 3: up to 2^53 + 4.
        #expect(ExactDecimal.value(significand: limit + 1, exponent: 0, negative: false) == 9007199254740992)
        #expect(ExactDecimal.value(significand: limit + 3, exponent: 0, negative: false) == 9007199254740996)
        #expect(ExactDecimal.value(significand: 5, exponent: 22, negative: true) == -5e22)
        #expect(ExactDecimal.value(significand: 5, exponent: 23, negative: false) == 5e23)
        #expect(ExactDecimal.value(significand: 5, exponent: 28, negative: false) == nil)
        #expect(ExactDecimal.value(significand: 5, exponent: -22, negative: false) == 5e-22)
        #expect(ExactDecimal.value(significand: 5, exponent: -27, negative: false) == 5e-27)
        #expect(ExactDecimal.value(significand: 5, exponent: -28, negative: false) == nil)
        let negativeZero = ExactDecimal.value(significand: 0, exponent: -400, negative: true)
        #expect(negativeZero == 0 && negativeZero?.sign == .minus)
    }
}

@Suite struct EightDigitsTests {
    func word(_ text: String) -> UInt64 {
        Array(text.utf8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    @Test func readsEightDigitsInOrder() {
        #expect(ExactDecimal.eightDigits(word("00000000")) == 0)
        #expect(ExactDecimal.eightDigits(word("12345678")) == 12_345_678)
        #expect(ExactDecimal.eightDigits(word("99999999")) == 99_999_999)
        var generator = SeededGenerator(seed: 8)
        for _ in 0..<10_000 {
            let value = UInt64.random(in: 0..<100_000_000, using: &generator)
            let text = String(repeating: "0", count: 8 - String(value).count) + String(value)
            #expect(ExactDecimal.eightDigits(word(text)) == value)
        }
    }

    /// Any byte that is not a digit, at any of the eight places, refuses the word (the scalar loop reads it).
    @Test func refusesAnyOtherByte() {
        for place in 0..<8 {
            for byte in (0...255).map(UInt8.init) where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var bytes = Array("31415926".utf8)
                bytes[place] = byte
                let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                #expect(ExactDecimal.eightDigits(word) == nil, "byte \(byte) at \(place)")
            }
        }
    }
}
