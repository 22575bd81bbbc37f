import Foundation
import Testing
@testable import JacobianAPI

/// The table-driven codec agrees with Foundation's on every length (the word-at-a-time loops and their tails) and
/// refuses malformed text (stricter than Foundation, which accepts some misplaced padding).
@Suite struct Base64CodecTests {
    func encoded(_ bytes: [UInt8]) -> String {
        var output = [UInt8](repeating: 0, count: Base64.encodedCount(bytes.count))
        output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBytes { Base64.encode($0, into: out.baseAddress!) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    func decoded(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        return characters.withUnsafeBufferPointer { input -> [UInt8]? in
            guard let count = Base64.decodedCount(input) else { return nil }
            var output = [UInt8](repeating: 0, count: count + 8)
            let valid = output.withUnsafeMutableBytes { Base64.decode(input, into: $0.baseAddress!) }
            return valid ? Array(output.prefix(count)) : nil
        }
    }

    @Test func roundTripsEveryLengthLikeFoundation() {
        var random = SystemRandomNumberGenerator()
        for length in 0...200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = encoded(bytes)
            #expect(text == Data(bytes).base64EncodedString(), "length \(length)")
            #expect(decoded(text) == bytes, "length \(length)")
        }
    }

    @Test func refusesMalformedText() {
        for text in ["A", "AB", "ABC", "AB=C", "A===", "====", "AAA*", "AAAAAAA!", "AAAA AAA", "AAAAAAAAAAA\n",
                     "=AAA", "AAAAAAAA=AAAAAAA"] {
            #expect(decoded(text) == nil, "\(text)")
        }
        #expect(decoded("") == [])
    }
}
