import Foundation

/// The ONNX fixtures written by scripts/make-onnx-fixtures.py (PyTorch float64 expected values).
enum ONNXFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) -> [UInt8] {
        Array(try! Data(contentsOf: directory.appendingPathComponent(name)))
    }

    struct DigitsCase: Decodable, Sendable {
        var label: Int
        var input: [Double]
        var value: [Double]
        var jacobian: [[Double]]
        var `class`: Int
        var gradient: [Double]
    }

    struct OperatorCase: Decodable, Sendable {
        var name: String
        /// The single-operator graph, base64.
        var onnx: String
        var input_shape: [Int]
        var output_shape: [Int]
        var input: [Double]
        var value: [Double]
        var jacobian: [[Double]]
    }

    private struct Cases<Case: Decodable>: Decodable { var cases: [Case] }

    /// The digits classifier's test images with PyTorch's logits, Jacobian and top-class gradient.
    static let digits = try! JSONDecoder().decode(Cases<DigitsCase>.self, from: Data(bytes("digits-expected.json"))).cases

    /// One single-operator graph per case.
    static let operators = try! JSONDecoder().decode(Cases<OperatorCase>.self, from: Data(bytes("onnx-operators.json"))).cases
}

/// max |a − b| / max |b|: relative to the quantity's scale, so tiny entries do not dominate.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    let scale = max(1e-300, b.map(abs).max() ?? 0)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
