import Foundation
import JacobianEngine
import ONNXImport
import Testing

/// Each operator's value and derivative, one tiny exported graph per case, against PyTorch float64.
@Suite struct OperatorTests {
    static let names = ONNXFixtures.operators.map(\.name)

    @Test(arguments: names)
    func matchesPyTorch(_ name: String) throws {
        let example = ONNXFixtures.operators.first { $0.name == name }!
        let model = try ONNXImporter.load(Array(Data(base64Encoded: example.onnx)!))
        #expect(model.inputShape == example.input_shape)
        #expect(model.outputShape == example.output_shape)
        let x = example.input
        let expected = example.jacobian
        for mode in [DifferentiationMode.forward, .reverse] {
            let result = try model.function.compiled.jacobian(at: x, mode: mode)
            #expect(relativeError(result.value, example.value) < 1e-10, "\(name) value")
            let flat = result.jacobian.rowArrays.flatMap { $0 }
            #expect(relativeError(flat, expected.flatMap { $0 }) < 1e-10, "\(name) Jacobian, \(mode)")
        }
    }
}
