import Foundation
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// /v1/jacobian's `points_base64` and `encoding: "base64"` over a live server: the same numbers as the JSON
/// form, and a 422 with its pointer for every malformed array.
@Suite struct Base64ArraysTests {
    let server = LiveServer.shared

    static let function = #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["sin(x[0])*x[1]", "cos(x[1]) + x[2]^2", "exp(x[2]) - x[0]"]}"#
    static let points: [[Double]] = (0..<7).map { (i: Int) -> [Double] in
        let t = Double(i)
        let first: Double = 0.1 * t - 0.3
        let second: Double = 1.0 / (t + 1)
        let third: Double = -0.25 * t
        return [first, second, third]
    }

    static func encode(_ numbers: [Double]) -> String {
        var bytes: [UInt8] = []
        for number in numbers { withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    static func decode(_ text: String?) -> [Double] {
        guard let text, let data = Data(base64Encoded: text) else { return [] }
        return stride(from: 0, to: data.count, by: 8).map { offset in
            Double(bitPattern: UInt64(littleEndian: data[offset..<offset + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
        }
    }

    static var jsonPoints: String {
        "[" + points.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }

    func ok(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let response = try server.post("/v1/jacobian", body)
        #expect(response.status == 200, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json
    }

    func problem(_ body: String, pointer: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let response = try server.post("/v1/jacobian", body)
        #expect(response.status == 422, "\(response.text)", sourceLocation: sourceLocation)
        #expect(try response.json["errors"]?[0]?["pointer"]?.string == pointer, "\(response.text)",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: ["forward", "reverse"])
    func base64AnswersHoldTheJSONNumbers(mode: String) throws {
        let json = try ok(#"{"function": \#(Self.function), "points": \#(Self.jsonPoints), "mode": "\#(mode)"}"#)
        let points64 = Self.encode(Self.points.flatMap { $0 })
        let base64 = try ok(#"{"function": \#(Self.function), "points_base64": "\#(points64)", "points_shape": [7, 3], "encoding": "base64", "mode": "\#(mode)"}"#)
        #expect(base64["results"] == nil)
        #expect(base64["count"]?.double == 7)
        #expect(base64["shape"]?.doubles == [3, 3])
        #expect(base64["mode"]?.string == mode)
        #expect(base64["columns"] == json["columns"])
        let values = Self.decode(base64["values_base64"]?.string)
        let jacobians = Self.decode(base64["jacobians_base64"]?.string)
        #expect(values.count == 7 * 3 && jacobians.count == 7 * 9)
        for index in 0..<7 {
            let result = json["results"]?[index]
            let expectedValue = result?["value"]?.doubles ?? []
            let expectedJacobian = (result?["jacobian"]?.matrix ?? []).flatMap { $0 }
            // The same computation, so the same doubles; decimal text round-trips exactly too.
            #expect(Array(values[(index * 3)..<(index * 3 + 3)]) == expectedValue)
            #expect(Array(jacobians[(index * 9)..<(index * 9 + 9)]) == expectedJacobian)
        }
    }

    @Test func base64PointsWithAJSONAnswer() throws {
        let points64 = Self.encode(Self.points.flatMap { $0 })
        let json = try ok(#"{"function": \#(Self.function), "points": \#(Self.jsonPoints)}"#)
        let mixed = try ok(#"{"function": \#(Self.function), "points_base64": "\#(points64)", "points_shape": [7, 3]}"#)
        #expect(mixed == json)
    }

    @Test func aSinglePointAnswersInBase64() throws {
        let json = try ok(#"{"function": \#(Self.function), "point": [0.5, 1, 2], "encoding": "base64"}"#)
        #expect(json["count"]?.double == 1)
        let single = try ok(#"{"function": \#(Self.function), "point": [0.5, 1, 2]}"#)
        #expect(Self.decode(json["values_base64"]?.string) == single["value"]?.doubles)
    }

    @Test func malformedArraysAre422WithTheirPointer() throws {
        let f = Self.function
        let six = Self.encode([1, 2, 3, 4, 5, 6])
        // Not base64 at all, and a truncated quantum.
        try problem(#"{"function": \#(f), "points_base64": "not base64!", "points_shape": [2, 3]}"#, pointer: "/points_base64")
        try problem(#"{"function": \#(f), "points_base64": "\#(six.dropLast(2))", "points_shape": [2, 3]}"#, pointer: "/points_base64")
        // A length that does not match the shape, either way.
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [3, 3]}"#, pointer: "/points_base64")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [1, 3]}"#, pointer: "/points_base64")
        // 4 bytes short of a double.
        let ragged = Data([UInt8](repeating: 0, count: 44)).base64EncodedString()
        try problem(#"{"function": \#(f), "points_base64": "\#(ragged)", "points_shape": [2, 3]}"#, pointer: "/points_base64")
        // Non-finite numbers.
        for bad in [Double.nan, .infinity, -.infinity] {
            let text = Self.encode([1, 2, 3, 4, bad, 6])
            try problem(#"{"function": \#(f), "points_base64": "\#(text)", "points_shape": [2, 3]}"#, pointer: "/points_base64")
        }
        // The shape itself.
        try problem(#"{"function": \#(f), "points_base64": "\#(six)"}"#, pointer: "/points_shape")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [6]}"#, pointer: "/points_shape")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [0, 3]}"#, pointer: "/points_shape/0")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [2, -3]}"#, pointer: "/points_shape/1")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [2.5, 3]}"#, pointer: "/points_shape/0")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": ["2", 3]}"#, pointer: "/points_shape/0")
        try problem(#"{"function": \#(f), "points_base64": 12, "points_shape": [2, 3]}"#, pointer: "/points_base64")
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [200000, 3]}"#, pointer: "/points_shape/0")
        // Points of the wrong length for the function: the shape matches the bytes, not the function.
        try problem(#"{"function": \#(f), "points_base64": "\#(six)", "points_shape": [3, 2]}"#, pointer: "/points_base64")
        // Both forms, or a shape without its points.
        try problem(#"{"function": \#(f), "points": [[1, 2, 3]], "points_base64": "\#(six)", "points_shape": [2, 3]}"#, pointer: "/points_base64")
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "points_shape": [2, 3]}"#, pointer: "/points_shape")
    }

    @Test func base64AnswersRefuseWhatTheyCannotCarry() throws {
        let f = Self.function
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "encoding": "base64", "format": "sparse"}"#, pointer: "/format")
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "encoding": "base64", "tangents": [[1, 0, 0]]}"#, pointer: "/tangents")
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "encoding": "base64", "cotangents": [[1, 0, 0]]}"#, pointer: "/cotangents")
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "encoding": "base64", "include": ["sensitivity"]}"#, pointer: "/include")
        try problem(#"{"function": \#(f), "point": [1, 2, 3], "encoding": "base65"}"#, pointer: "/encoding")
    }

    @Test func aNonFiniteResultNamesThePoint() throws {
        let function = #"{"type": "expression", "inputs": ["x"], "outputs": ["log(x)"]}"#
        let text = Self.encode([1, 2, 0, 3])
        let response = try server.post("/v1/jacobian", #"{"function": \#(function), "points_base64": "\#(text)", "points_shape": [4, 1], "encoding": "base64"}"#)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["point_index"]?.double == 2, "\(response.text)")
        #expect(try response.json["errors"]?[0]?["pointer"]?.string == "/points_base64")
    }
}
