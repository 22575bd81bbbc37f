import Testing
@testable import JacobianEngine

/// NaN and infinity in a value or derivative are errors naming the row, the column and the operation, in every
/// mode and through `evaluate` too.
@Suite("Non-finite results")
struct NonFiniteTests {
    private let modes: [DifferentiationMode] = [.forward, .reverse, .auto]

    @Test func logOfZeroValue() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["x[1]", "2 * log(x[0])"])
        for mode in modes {
            let error = engineError { try function.jacobian(at: [0, 1], mode: mode) }
            #expect(error?.kind == .nonFinite)
            #expect(error?.row == 1 && error?.columnIndex == nil && error?.operation == "log")
            #expect(error?.pointer == "")
            #expect(error?.message == "outputs[1] is -inf: log(0) = -inf (from log in outputs[1] at column 5)")
        }
        #expect(engineError { try function.evaluate(at: [0, 1]) }?.message
            == "outputs[1] is -inf: log(0) = -inf (from log in outputs[1] at column 5)")
    }

    @Test func divisionByZero() throws {
        let function = try compile([.scalar("x")], ["1/x"])
        let error = engineError { try function.jacobian(at: [0]) }
        #expect(error?.operation == "/" && error?.row == 0)
        #expect(error?.message == "outputs[0] is inf: 1 / 0 = inf (from / in outputs[0] at column 2)")
    }

    @Test func sqrtDerivativeAtZero() throws {
        let function = try compile([.scalar("t"), .scalar("u")], ["u + sqrt(t)"])
        for mode in modes {
            let error = engineError { try function.jacobian(at: [0, 1], mode: mode) }
            #expect(error?.kind == .nonFinite)
            #expect(error?.row == 0 && error?.columnIndex == 0 && error?.operation == "sqrt")
            #expect(error?.message == "the derivative of outputs[0] with respect to t is inf: the derivative of "
                + "sqrt(0) is inf (from sqrt in outputs[0] at column 5)")
        }
        // The value alone is fine.
        #expect(try function.evaluate(at: [0, 1]) == [1])
    }

    @Test func operationInADefinitionIsLocatedThere() throws {
        let function = try compile([.scalar("x")], ["r * 2"], definitions: ["r = acos(x)"])
        let error = engineError { try function.jacobian(at: [1]) }
        #expect(error?.operation == "acos")
        #expect(error?.message == "the derivative of outputs[0] with respect to x is -inf: the derivative of acos(1) "
            + "is -inf (from acos in definitions[0] at column 5)")
    }

    @Test func exponentDerivativeOfANegativeBase() throws {
        let function = try compile([.scalar("b"), .scalar("p")], ["b ^ p"])
        // With a constant exponent the same power is fine: no exponent derivative is needed.
        #expect(try compile([.scalar("b")], ["b ^ 3"]).jacobian(at: [-2]).jacobian[0, 0] == 12)
        let error = engineError { try function.jacobian(at: [-2, 3]) }
        #expect(error?.columnIndex == 1 && error?.operation == "^")
        #expect(error?.message == "the derivative of outputs[0] with respect to p is nan: the derivative of "
            + "(-2) ^ 3 with respect to its second operand is nan (from ^ in outputs[0] at column 3)")
    }

    @Test func nonFiniteIntermediateThatVanishesStillPoisonsTheDerivative() throws {
        // exp(-1/x) is 0 at x = 0, but its derivative is 0 · inf.
        let function = try compile([.scalar("x")], ["exp(-1/x)"])
        #expect(try function.evaluate(at: [0]) == [0])
        let error = engineError { try function.jacobian(at: [0], mode: .reverse) }
        #expect(error?.operation == "/")
    }

    @Test func overflowInTheValue() throws {
        let error = engineError { try compile([.scalar("x")], ["exp(x)"]).evaluate(at: [1000]) }
        #expect(error?.message == "outputs[0] is inf: exp(1000) = inf (from exp in outputs[0] at column 1)")
    }
}
