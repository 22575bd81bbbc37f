import Foundation
@testable import JacobianAPI

/// The tutorial's examples recomputed with PyTorch in float64 (Tests/Fixtures/expected.json).
enum Fixture {
    static let expected: JSONObject = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/expected.json")
        let bytes = Array(try! Data(contentsOf: url))
        guard case .object(let object) = try! JSONParser().parse(bytes) else { fatalError("fixture is not an object") }
        return object
    }()

    static func example(_ name: String) -> JSONObject {
        guard case .object(let object)? = expected[name] else { fatalError("no example \(name) in the fixture") }
        return object
    }

    /// The text of a JSON value, for building request bodies from fixture parts.
    static func text(_ value: JSONValue?) -> String {
        String(decoding: JSONWriter.bytes(value ?? .null), as: UTF8.self)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    var doubles: [Double]? {
        guard case .array(let elements) = self else { return nil }
        var result: [Double] = []
        for element in elements {
            guard case .number(let number) = element else { return nil }
            result.append(number)
        }
        return result
    }

    var matrix: [[Double]]? {
        guard case .array(let rows) = self else { return nil }
        var result: [[Double]] = []
        for row in rows {
            guard let numbers = row.doubles else { return nil }
            result.append(numbers)
        }
        return result
    }

    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    var double: Double? {
        guard case .number(let number) = self else { return nil }
        return number
    }
}

/// Relative closeness with an absolute floor for entries that are exactly zero.
func close(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

func close(_ a: [Double]?, _ b: [Double]?, tolerance: Double = 1e-12) -> Bool {
    guard let a, let b, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { close($0, $1, tolerance: tolerance) }
}

func close(_ a: [[Double]]?, _ b: [[Double]]?, tolerance: Double = 1e-12) -> Bool {
    guard let a, let b, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { close($0, $1, tolerance: tolerance) }
}
