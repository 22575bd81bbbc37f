import Testing
@testable import JacobianEngine

/// Every specification error says what is wrong and where: kind, JSON pointer, column and exact message.
@Suite("Expression errors")
struct ExpressionErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let output: String
        var definitions: [String] = []
        let kind: EngineError.Kind
        var pointer = "/outputs/0"
        let column: Int?
        let message: String
        var testDescription: String { output + (definitions.isEmpty ? "" : " with \(definitions)") }
    }

    static let cases: [Case] = [
        Case(output: "sinn(x[0])", kind: .unknownFunction, column: 1,
             message: "unknown function 'sinn' in outputs[0] at column 1; did you mean 'sin'?"),
        Case(output: "t + lg(t)", kind: .unknownFunction, column: 5,
             message: "unknown function 'lg' in outputs[0] at column 5; did you mean 'log'?"),
        Case(output: "Sin(t)", kind: .unknownFunction, column: 1,
             message: "unknown function 'Sin' in outputs[0] at column 1; did you mean 'sin'?"),
        Case(output: "t(2)", kind: .unknownFunction, column: 1,
             message: "'t' is a scalar input, not a function, in outputs[0] at column 1; write '*' for a product"),
        Case(output: "y + 1", kind: .unknownName, column: 1, message: "unknown name 'y' in outputs[0] at column 1"),
        Case(output: "2 * tt", kind: .unknownName, column: 5,
             message: "unknown name 'tt' in outputs[0] at column 5; did you mean 't'?"),
        Case(output: "x[3]", kind: .indexOutOfRange, column: 1,
             message: "index 3 is out of range for 'x' of size 3 in outputs[0] at column 1; valid indices are 0 to 2"),
        Case(output: "x[99999999999999999999]", kind: .indexOutOfRange, column: 1,
             message: "index 99999999999999999999 is out of range for 'x' of size 3 in outputs[0] at column 1; valid "
                + "indices are 0 to 2"),
        Case(output: "x[1.5]", kind: .indexOutOfRange, column: 3,
             message: "index 1.5 of 'x' is not a whole number in outputs[0] at column 3"),
        Case(output: "x[-1]", kind: .indexOutOfRange, column: 3,
             message: "the index of 'x' must not be negative in outputs[0] at column 3; indices start at 0"),
        Case(output: "x[t]", kind: .indexOutOfRange, column: 3,
             message: "the index of 'x' must be a whole number such as x[0], but found 't' in outputs[0] at column 3"),
        Case(output: "t[0]", kind: .indexOutOfRange, column: 1,
             message: "'t' is a scalar input and cannot be indexed in outputs[0] at column 1"),
        Case(output: "1 + x", kind: .indexOutOfRange, column: 5,
             message: "'x' is a vector of 3 inputs and needs an index such as x[0] in outputs[0] at column 5"),
        Case(output: "(t)[0]", kind: .indexOutOfRange, column: 4,
             message: "only a vector input can be indexed, but '[' follows something else in outputs[0] at column 4"),
        Case(output: "x[0", kind: .syntax, column: 4,
             message: "expected ']' after the index of 'x' but found the end of the expression in outputs[0] at column 4"),
        Case(output: "2 3", kind: .syntax, column: 3,
             message: "expected an operator but found the number 3 in outputs[0] at column 3; write '*' for a product"),
        Case(output: "x[0] +", kind: .syntax, column: 7,
             message: "expected an expression after '+' at the end in outputs[0] at column 7"),
        Case(output: "t * / t", kind: .syntax, column: 5,
             message: "expected an expression but found '/' in outputs[0] at column 5"),
        Case(output: "(x[0]", kind: .syntax, column: 1, message: "'(' is never closed in outputs[0] at column 1"),
        Case(output: "max(t, (t)", kind: .syntax, column: 1,
             message: "the call of 'max' is never closed in outputs[0] at column 1"),
        Case(output: "x[0])", kind: .syntax, column: 5, message: "unmatched ')' in outputs[0] at column 5"),
        Case(output: "()", kind: .syntax, column: 2, message: "empty parentheses in outputs[0] at column 2"),
        Case(output: "max(t,)", kind: .syntax, column: 7,
             message: "expected an expression before ')' in outputs[0] at column 7"),
        Case(output: "t, t", kind: .syntax, column: 2, message: "',' outside a function call in outputs[0] at column 2"),
        Case(output: "x[0] $ 2", kind: .syntax, column: 6, message: "unexpected character '$' in outputs[0] at column 6"),
        Case(output: "αβ + t + é", kind: .syntax, column: 1,
             message: "unexpected character 'α' (U+3B1) in outputs[0] at column 1"),
        Case(output: "t + é", kind: .syntax, column: 5,
             message: "unexpected character 'é' (U+E9) in outputs[0] at column 5"),
        // A decomposed é is two scalars: columns count Unicode scalars, so the '$' after it is at column 7.
        Case(output: "t + e\u{301}$", kind: .syntax, column: 6,
             message: "unexpected character '\u{301}' (U+301) in outputs[0] at column 6"),
        Case(output: "2t", kind: .syntax, column: 2,
             message: "unexpected 't' right after the number 2 in outputs[0] at column 2; write an operator such as "
                + "'*' between a number and a name"),
        Case(output: "1e+", kind: .syntax, column: 1,
             message: "malformed number '1e+' in outputs[0] at column 1; the exponent needs digits, as in 1e-3"),
        Case(output: "t + .", kind: .syntax, column: 5,
             message: "'.' must be part of a number such as 0.5 in outputs[0] at column 5"),
        Case(output: "1.2.3", kind: .syntax, column: 4,
             message: "unexpected '.' right after the number 1.2 in outputs[0] at column 4; write an operator such as "
                + "'*' between a number and a name"),
        Case(output: "1e999", kind: .syntax, column: 1,
             message: "the number 1e999 is too large for a double in outputs[0] at column 1"),
        Case(output: "sin", kind: .syntax, column: 1,
             message: "the function 'sin' is used without arguments in outputs[0] at column 1; call it as sin(...)"),
        Case(output: "sin[0]", kind: .syntax, column: 1,
             message: "the function 'sin' is indexed in outputs[0] at column 1; call it as sin(...)"),
        Case(output: "y[0]", kind: .unknownName, column: 1, message: "unknown name 'y' in outputs[0] at column 1"),
        Case(output: "pi[0]", kind: .indexOutOfRange, column: 1,
             message: "'pi' is a constant and cannot be indexed in outputs[0] at column 1"),
        Case(output: "sin(x[0], t)", kind: .arity, column: 1,
             message: "'sin' takes 1 argument but was given 2 in outputs[0] at column 1"),
        Case(output: "t + max(t)", kind: .arity, column: 5,
             message: "'max' takes 2 arguments but was given 1 in outputs[0] at column 5"),
        Case(output: "pow()", kind: .arity, column: 1, message: "'pow' takes 2 arguments but was given 0 in outputs[0] at column 1"),
        Case(output: "", kind: .emptyExpression, column: nil, message: "outputs[0] is empty; write an expression"),
        Case(output: " \t ", kind: .emptyExpression, column: nil, message: "outputs[0] is empty; write an expression"),
        Case(output: "a", definitions: ["a = b", "b = t"], kind: .useBeforeDefinition, pointer: "/definitions/0",
             column: 5, message: "'b' is used in definitions[0] at column 5 before it is defined in definitions[1]; "
                + "move its definition earlier"),
        Case(output: "a", definitions: ["a = a + 1"], kind: .useBeforeDefinition, pointer: "/definitions/0", column: 5,
             message: "definition 'a' refers to itself in definitions[0] at column 5; a definition can use only "
                + "inputs, constants and earlier definitions"),
        Case(output: "a", definitions: ["a t"], kind: .syntax, pointer: "/definitions/0", column: nil,
             message: "definitions[0] has no '='; write it as 'name = expression'"),
        Case(output: "a", definitions: ["  = t"], kind: .syntax, pointer: "/definitions/0", column: 3,
             message: "definitions[0] has no name before '=' at column 3; write it as 'name = expression'"),
        Case(output: "a", definitions: ["a = "], kind: .emptyExpression, pointer: "/definitions/0", column: nil,
             message: "definitions[0] defines 'a' but has no expression after '='"),
        Case(output: "a", definitions: ["2a = t"], kind: .invalidSpecification, pointer: "/definitions/0", column: 1,
             message: "definitions[0] has the invalid name '2a' at column 1; a name starts with a letter or '_' and "
                + "continues with letters, digits or '_'"),
        Case(output: "a", definitions: ["a = t", " a = 2"], kind: .duplicateName, pointer: "/definitions/1", column: 2,
             message: "definitions[1] uses the name 'a' at column 2, which definitions[0] already uses"),
        Case(output: "t", definitions: ["pi = 3"], kind: .duplicateName, pointer: "/definitions/0", column: 1,
             message: "definitions[0] uses the name 'pi' at column 1, which is reserved for a built-in constant"),
        Case(output: "t", definitions: ["t = 3"], kind: .duplicateName, pointer: "/definitions/0", column: 1,
             message: "definitions[0] uses the name 't' at column 1, which inputs[1] already uses"),
        Case(output: "a", definitions: ["a = (t"], kind: .syntax, pointer: "/definitions/0", column: 5,
             message: "'(' is never closed in definitions[0] at column 5"),
    ]

    @Test(arguments: cases)
    func reportsKindPointerColumnAndMessage(_ expected: Case) {
        let error = engineError {
            try compile([.vector(name: "x", size: 3), .scalar("t")], [expected.output], definitions: expected.definitions)
        }
        #expect(error?.kind == expected.kind)
        #expect(error?.pointer == expected.pointer)
        #expect(error?.column == expected.column)
        #expect(error?.message == expected.message)
    }

    @Test func declarationErrors() {
        let noInputs = engineError { try compile([], ["1"]) }
        #expect(noInputs?.kind == .invalidSpecification && noInputs?.pointer == "/inputs")
        let noOutputs = engineError { try compile([.scalar("t")], []) }
        #expect(noOutputs?.message == "the function has no outputs" && noOutputs?.pointer == "/outputs")
        let emptyVector = engineError { try compile([.scalar("t"), .vector(name: "x", size: 0)], ["t"]) }
        #expect(emptyVector?.message == "input 'x' (inputs[1]) has size 0; a vector needs at least 1 element")
        #expect(emptyVector?.pointer == "/inputs/1")
        let badName = engineError { try compile([.scalar("x y")], ["1"]) }
        #expect(badName?.kind == .invalidSpecification && badName?.pointer == "/inputs/0")
        let reserved = engineError { try compile([.scalar("sin")], ["1"]) }
        #expect(reserved?.message == "inputs[0] uses the name 'sin', which is reserved for a built-in function")
        let twice = engineError { try compile([.scalar("a"), .vector(name: "a", size: 2)], ["a"]) }
        #expect(twice?.kind == .duplicateName && twice?.pointer == "/inputs/1")
        let constantClash = engineError { try compile([.scalar("g")], ["g"], constants: ["g": 9.81]) }
        #expect(constantClash?.message == "constant 'g' uses the name 'g', which inputs[0] already uses")
        #expect(constantClash?.pointer == "/constants/g")
        let escaped = engineError { try compile([.scalar("t")], ["t"], constants: ["a/b~c": 1]) }
        #expect(escaped?.pointer == "/constants/a~1b~0c")
        let infinite = engineError { try compile([.scalar("t")], ["t"], constants: ["big": .infinity]) }
        #expect(infinite?.message == "constant 'big' is inf; constants must be finite numbers")
    }

    @Test func firstErrorWinsInDeclarationOrder() {
        // Definitions compile before outputs, so a broken definition is reported even if an output is broken too.
        let error = engineError { try compile([.scalar("t")], ["(", "t"], definitions: ["a = t +"]) }
        #expect(error?.pointer == "/definitions/0")
        let secondOutput = engineError { try compile([.scalar("t")], ["t", "sin(t"]) }
        #expect(secondOutput?.pointer == "/outputs/1")
        #expect(secondOutput?.message == "the call of 'sin' is never closed in outputs[1] at column 1")
    }
}
