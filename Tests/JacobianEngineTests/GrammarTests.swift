import Foundation
import Testing
@testable import JacobianEngine

/// Precedence, associativity, numbers, names: the value of each expression against Swift's own arithmetic.
@Suite("Grammar")
struct GrammarTests {
    private func value(_ expression: String, x: Double = 1.5, definitions: [String] = [],
                       constants: [String: Double] = [:]) throws -> Double {
        try compile([.scalar("x")], [expression], constants: constants, definitions: definitions).evaluate(at: [x])[0]
    }

    @Test func powerBindsTighterThanUnaryMinus() throws {
        #expect(try value("-x^2") == -(1.5 * 1.5))
        #expect(try value("-2^2") == -4)
        #expect(try value("(-2)^2") == 4)
        #expect(try value("-x**2") == -(1.5 * 1.5))
    }

    @Test func powerIsRightAssociative() throws {
        #expect(try value("2^3^2") == 512)
        #expect(try value("2**3**2") == 512)
        #expect(try value("(2^3)^2") == 64)
    }

    @Test func powerTakesASignedExponent() throws {
        #expect(close(try value("2^-x"), pow(2, -1.5)))
        #expect(close(try value("2^-x^2"), pow(2, -(1.5 * 1.5))))
        #expect(close(try value("2^-x*3"), pow(2, -1.5) * 3))
        #expect(close(try value("2^+x"), pow(2, 1.5)))
        #expect(try value("-2^-2") == -0.25)
        #expect(try value("2^-2^2") == 1.0 / 16)
        #expect(try value("2*x^-1") == 2 / 1.5)
    }

    @Test func arithmeticPrecedenceAndAssociativity() throws {
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("8 / 4 / 2") == 1)
        #expect(try value("8 - 4 - 2") == 2)
        #expect(try value("2 * -3") == -6)
        #expect(try value("1 - -1") == 2)
        #expect(try value("- -x") == 1.5)
        #expect(try value("+x") == 1.5)
        #expect(try value("-x * 2 + 1") == -2)
        #expect(try value("x*x - x/x") == 1.5 * 1.5 - 1)
    }

    @Test func numbers() throws {
        #expect(try value("12") == 12)
        #expect(try value("1.5") == 1.5)
        #expect(try value(".5") == 0.5)
        #expect(try value("2.") == 2)
        #expect(try value("1e-3") == 1e-3)
        #expect(try value("2.5E+1") == 25)
        #expect(try value("1e-400") == 0)
    }

    @Test func namesConstantsAndDefinitions() throws {
        #expect(try value("pi") == Double.pi)
        #expect(try value("e") == M_E)
        #expect(try value("g * x", constants: ["g": 9.81]) == 9.81 * 1.5)
        #expect(try value("b", definitions: ["a = 2 * x", "b = a + 1"]) == 4)
        #expect(try value("x_1 + _y", definitions: ["x_1 = 1", "_y = 2"]) == 3)
        #expect(try value("\n x\t* 2 ") == 3)
    }

    @Test func vectorIndexingAndColumns() throws {
        let function = try compile([.scalar("t"), .vector(name: "q", size: 3)], ["q[2] - q[0] * t", "q[1]"])
        #expect(function.columnNames == ["t", "q[0]", "q[1]", "q[2]"])
        #expect(function.rowNames == ["outputs[0]", "outputs[1]"])
        #expect(function.inputCount == 4 && function.columnCount == 4 && function.outputCount == 2)
        #expect(try function.evaluate(at: [2, 3, 4, 5]) == [5 - 3 * 2, 4])
    }

    @Test func functions() throws {
        let x = 0.3
        let expected: [(String, Double)] = [
            ("sin(x)", sin(x)), ("cos(x)", cos(x)), ("tan(x)", tan(x)), ("asin(x)", asin(x)), ("acos(x)", acos(x)),
            ("atan(x)", atan(x)), ("atan2(x, 2)", atan2(x, 2)), ("sinh(x)", sinh(x)), ("cosh(x)", cosh(x)),
            ("tanh(x)", tanh(x)), ("asinh(x)", asinh(x)), ("acosh(x + 1)", acosh(x + 1)), ("atanh(x)", atanh(x)),
            ("exp(x)", exp(x)), ("expm1(x)", expm1(x)), ("log(x)", log(x)), ("log1p(x)", log1p(x)),
            ("log2(x)", log2(x)), ("log10(x)", log10(x)), ("sqrt(x)", sqrt(x)), ("cbrt(-x)", cbrt(-x)),
            ("abs(-x)", x), ("sign(-x)", -1), ("floor(x + 1)", 1), ("ceil(x)", 1), ("min(x, 2)", x),
            ("max(x, 2)", 2), ("pow(x, 3)", pow(x, 3)), ("hypot(x, 2)", hypot(x, 2)), ("relu(-x)", 0),
            ("relu(x)", x), ("sigmoid(x)", 1 / (1 + exp(-x))), ("softplus(x)", log1p(exp(x))), ("softplus(30)", 30),
            ("erf(x)", erf(x)),
        ]
        for (expression, expectedValue) in expected {
            #expect(close(try value(expression, x: x), expectedValue, 1e-15), "\(expression)")
        }
    }
}
