import Foundation
import JacobianEngine
import ONNXImport
import Testing

/// The committed digits classifier (Conv, BatchNormalization, residual Add, MaxPool, Gemm) against PyTorch float64.
@Suite struct DigitsModelTests {
    let model = try! ONNXImporter.load(ONNXFixtures.bytes("digits.onnx"))

    @Test func describesTheModel() {
        #expect(model.inputShape == [1, 1, 8, 8])
        #expect(model.outputShape == [1, 10])
        #expect(model.operatorCounts["Conv"] == 3)
        #expect(model.operatorCounts["BatchNormalization"] == 1)
        #expect(model.operatorCounts["Add"] == 1)
        #expect(model.parameterCount > 1000)
        #expect(model.function.compiled.columnNames[3 * 8 + 5] == "x[0][3][5]")
        #expect(model.function.compiled.rowNames.last == "y[9]")
    }

    @Test func valuesAndJacobiansMatchPyTorch() throws {
        for example in ONNXFixtures.digits {
            let result = try model.function.compiled.jacobian(at: example.input, mode: .reverse)
            #expect(relativeError(result.value, example.value) < 1e-10)
            for row in 0..<10 {
                #expect(relativeError(result.jacobian.rowArrays[row], example.jacobian[row]) < 1e-10, "row \(row)")
            }
            #expect(result.value.firstIndex(of: result.value.max()!) == example.label, "the classifier gets these right")
        }
    }

    @Test func oneClassGradientIsOneSweep() throws {
        let example = ONNXFixtures.digits[0]
        let (value, gradient) = try model.function.gradient(at: example.input, row: example.class)
        #expect(value.firstIndex(of: value.max()!) == example.class)
        #expect(relativeError(gradient, example.gradient) < 1e-10)
    }
}
