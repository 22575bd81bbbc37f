import Foundation
import JacobianEngine
import ONNXImport
import Testing

/// Damaged models never crash the importer or the engine: seeded byte flips and truncations of the digits model
/// are either refused with a `ModelError` or imported and evaluated (a crash would end the test process).
@Suite struct MutationTests {
    /// SplitMix64, so the mutations are the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    @Test func damagedModelsAreRefusedOrServedNeverCrash() {
        let original = ONNXFixtures.bytes("digits.onnx")
        // Small limits, so a flipped dimension that passes the parser still cannot allocate much.
        let limits = ModelLimits(maxTensorElements: 1 << 16, maxTotalElements: 1 << 20, maxOperations: 1 << 24)
        var generator = Generator(state: 15)
        var refused = 0, served = 0
        for round in 0..<400 {
            var bytes = original
            if round % 4 == 0 {
                bytes = Array(bytes.prefix(generator.below(bytes.count)))
            } else {
                for _ in 0..<(1 + generator.below(4)) {
                    bytes[generator.below(bytes.count)] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            do {
                let model = try ONNXImporter.load(bytes, limits: limits)
                served += 1
                let x = [Double](repeating: 0.5, count: model.function.inputCount)
                _ = try? model.function.compiled.jacobian(at: x, mode: .reverse)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0 && refused + served == 400, "refused \(refused), served \(served)")
    }
}
