import Foundation
import JacobianEngine
import ONNXImport
import Testing

/// The digits network as the torch.export-based exporter (`dynamo=True`) writes it, and models the importer
/// must refuse with an error naming the problem (onnx-extra.json, from scripts/make-onnx-fixtures.py).
@Suite struct ExporterTests {
    struct Dynamo: Decodable { var onnx: String; var input: [Double]; var value: [Double]; var jacobian: [[Double]] }
    struct Malformed: Decodable { var name: String; var onnx: String; var expect: String }
    struct Extra: Decodable { var dynamo_digits: Dynamo?; var malformed: [Malformed] }

    static let extra = try! JSONDecoder().decode(Extra.self, from: Data(ONNXFixtures.bytes("onnx-extra.json")))

    @Test func torchExportGraphMatchesPyTorch() throws {
        let dynamo = try #require(Self.extra.dynamo_digits, "regenerate the fixtures with onnxscript installed")
        let model = try ONNXImporter.load(Array(Data(base64Encoded: dynamo.onnx)!))
        let result = try model.function.compiled.jacobian(at: dynamo.input)
        #expect(relativeError(result.value, dynamo.value) < 1e-10)
        #expect(relativeError(result.jacobian.storage, dynamo.jacobian.flatMap { $0 }) < 1e-10)
    }

    @Test(arguments: extra.malformed.map(\.name))
    func refusesWithAMessageNamingTheProblem(_ name: String) {
        let malformed = Self.extra.malformed.first { $0.name == name }!
        #expect {
            _ = try ONNXImporter.load(Array(Data(base64Encoded: malformed.onnx)!))
        } throws: { error in
            (error as? ModelError)?.message.contains(malformed.expect) == true
        }
    }

    @Test func limitsAreCheckedAndNamed() throws {
        let digits = ONNXFixtures.bytes("digits.onnx")
        for (limits, name) in [
            (ModelLimits(maxModelBytes: 1000), "maxModelBytes"), (ModelLimits(maxNodes: 3), "maxNodes"),
            (ModelLimits(maxTensorElements: 500), "maxTensorElements"), (ModelLimits(maxTotalElements: 3000), "maxTotalElements"),
            (ModelLimits(maxOperations: 10_000), "maxOperations"),
        ] {
            #expect {
                _ = try ONNXImporter.load(digits, limits: limits)
            } throws: { error in
                (error as? ModelError)?.limit == name && (error as? ModelError)?.message.contains(name) == true
            }
        }
    }
}
