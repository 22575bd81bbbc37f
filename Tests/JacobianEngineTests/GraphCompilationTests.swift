import Foundation
import Testing
@testable import JacobianEngine

/// Hash-consing, constant folding, dead-code removal and the activity flags of the compiled instructions.
@Suite("Graph compilation")
struct GraphCompilationTests {
    private func instructions(_ outputs: [String], definitions: [String] = []) throws -> [Instruction] {
        program(of: try compile([.scalar("x"), .scalar("y")], outputs, definitions: definitions)).instructions
    }

    @Test func identicalSubexpressionsAreComputedOnce() throws {
        // Without sharing, sin(x) + sin(x) would be three operations.
        #expect(try instructions(["sin(x) + sin(x)"]).map(\.operation) == [.sin, .add])
        #expect(try instructions(["sin(x) * cos(y)", "cos(y) - sin(x)"]).count == 4)
        #expect(try instructions(["(x + y) * (y + x)"]).map(\.operation) == [.add, .multiply])
        #expect(try instructions(["a + a"], definitions: ["a = exp(x)"]).count == 2)
        // Subtraction and division are not commutative, so both orders stay.
        #expect(try instructions(["(x - y) * (y - x)"]).count == 3)
    }

    /// Sharing must not merge what only looks alike: elements of one vector, folded constants that differ in the
    /// last bit (0.1 + 0.2 is not 0.3), and zeros of opposite signs (atan2 tells them apart).
    @Test func sharingKeepsDistinctNodesApart() throws {
        let function = try compile([.vector(name: "v", size: 2)], [
            "v[0] - v[1]", "(0.1 + 0.2) - 0.3", "atan2(-0.0, -1) + atan2(0.0, -1)", "atan2(-0.0, v[0])",
            "atan2(0.0, v[0])",
        ])
        let result = try function.jacobian(at: [-2, 5])
        #expect(result.value[0] == -7)
        #expect(result.value[1] == (0.1 + 0.2) - 0.3 && result.value[1] != 0)
        #expect(result.value[2] == 0)
        #expect(result.value[3] == -Double.pi && result.value[4] == Double.pi)
        #expect(result.jacobian.storage[0...1] == [1, -1])
    }

    @Test func sharedNodesAccumulateDerivatives() throws {
        let function = try compile([.scalar("x")], ["sin(x) * sin(x) + sin(x)"])
        let x = 0.4
        for mode in [DifferentiationMode.forward, .reverse] {
            let derivative = try function.jacobian(at: [x], mode: mode).jacobian[0, 0]
            #expect(close(derivative, 2 * sin(x) * cos(x) + cos(x)))
        }
    }

    @Test func constantsAreFolded() throws {
        #expect(try instructions(["x * (2 + 3 * 4)"]).count == 1)
        #expect(try instructions(["x + sin(pi / 2) * 2^10 - -1"]).count == 2)
        let folded = program(of: try compile([.scalar("x")], ["x * (2 + 3 * 4)"]))
        #expect(folded.constants == [14])
    }

    @Test func nonFiniteConstantsAreNotFoldedSoEvaluationReportsThem() throws {
        let function = try compile([.scalar("x")], ["x + log(0)"])
        #expect(program(of: function).instructions.map(\.operation) == [.log, .add])
        let error = engineError { try function.evaluate(at: [1]) }
        #expect(error?.kind == .nonFinite && error?.operation == "log" && error?.column == nil)
        #expect(error?.message == "outputs[0] is -inf: log(0) = -inf (from log in outputs[0] at column 5)")
    }

    @Test func powersWithConstantExponentsAreSpecialized() throws {
        #expect(try instructions(["x^2"]).map(\.operation) == [.square])
        #expect(try instructions(["x^3", "x^64", "pow(x, 0.5)", "x^65", "x^-1"]).map(\.operation)
            == [.powerInteger, .powerInteger, .powerConstant, .powerConstant, .powerConstant])
        #expect(try instructions(["x^y"]).map(\.operation) == [.power])
        #expect(try instructions(["2^y"]).map(\.operation) == [.power])
    }

    @Test func unusedDefinitionsAreDropped() throws {
        #expect(try instructions(["x * y"], definitions: ["unused = sin(x) + cos(y)"]).count == 1)
    }

    @Test func activityMarksOperandsThatDependOnInputs() throws {
        let code = try instructions(["2 ^ x", "x * y", "log(0) * x"])
        let byOperation = Dictionary(code.map { ($0.operation, $0.activity) }, uniquingKeysWith: { a, _ in a })
        #expect(byOperation[.power] == Instruction.secondActive)
        #expect(byOperation[.log] == 0)
        #expect(code.first { $0.operation == .multiply && $0.activity == 3 } != nil)
    }

    @Test func outputsMayBeInputsOrConstants() throws {
        let function = try compile([.scalar("x"), .scalar("y")], ["y", "3", "x"])
        #expect(program(of: function).instructions.isEmpty)
        for mode in [DifferentiationMode.forward, .reverse] {
            let result = try function.jacobian(at: [5, 7], mode: mode)
            #expect(result.value == [7, 3, 5])
            #expect(result.jacobian.rowArrays == [[0, 1], [0, 0], [1, 0]])
        }
    }

    @Test func reverseRowsSeededAtAnInputStartClean() throws {
        // Row 1 starts its sweep at register 0; the adjoints row 0 left in registers 1 and 2 must not leak into it.
        let function = try compile([.vector(name: "x", size: 3)], ["x[1] * x[2]", "x[0]"])
        let result = try function.jacobian(at: [2, 3, 5], mode: .reverse)
        #expect(result.jacobian.rowArrays == [[0, 5, 3], [1, 0, 0]])
    }

    @Test func disassemblyListsInstructions() throws {
        let function = try compile([.scalar("x")], ["sin(x) * 2"])
        #expect(function.debugDescription == """
            CompiledFunction: 1 inputs, 1 outputs, 4 registers
              r0 = x
              r1 = 2
              r2 = sin r0              ; outputs[0] at column 1
              r3 = r2 * r1             ; outputs[0] at column 8
              outputs[0] = r3
            """)
    }
}
