import TestSupport
import Testing
@testable import JacobianEngine

/// Token soup from a seeded generator: every string either compiles or fails with an `EngineError` whose column
/// lies inside the expression (or one past its end); nothing traps. Compiled ones evaluate in every mode.
@Suite("Parser robustness")
struct ParserRobustnessTests {
    static let pieces = [
        "x[0]", "x[1]", "t", "x", "(", ")", "+", "-", "*", "/", "^", "**", ",", "sin(", "max(", "atan2(", "pow(",
        "1.5", "2", "e", "pi", "[", "]", " ", "2e", ".", "é", "=", "x[2]", "x[-1]", "1e999", "abs(", "sqrt(", "a",
    ]

    @Test func randomTokenSequences() throws {
        var random = SeededGenerator(seed: 7)
        var compiled = 0
        for _ in 0..<3_000 {
            let length = Int.random(in: 1...12, using: &random)
            let text = (0..<length).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            let definitions = Bool.random(using: &random) ? ["a = " + text] : ["a = t"]
            let output = Bool.random(using: &random) ? text : "a * " + text
            do {
                let function = try compile([.vector(name: "x", size: 2), .scalar("t")], [output, "t"],
                                           definitions: definitions)
                compiled += 1
                for mode in [DifferentiationMode.forward, .reverse, .auto] {
                    do {
                        _ = try function.jacobian(at: [0.5, -0.25, 2], mode: mode)
                    } catch {
                        #expect(error.kind == .nonFinite, "\(output): \(error.message)")
                    }
                }
            } catch {
                #expect(!error.message.isEmpty)
                if let column = error.column {
                    let source = error.pointer == "/outputs/0" ? output : definitions[0]
                    #expect(column >= 1 && column <= source.unicodeScalars.count + 1, "\(source): \(error.message)")
                }
            }
        }
        // The soup is not all rejected: a fair share of it is valid and was differentiated.
        #expect(compiled > 40)
    }
}
