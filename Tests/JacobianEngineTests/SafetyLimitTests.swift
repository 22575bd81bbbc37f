import Foundation
import Testing
@testable import JacobianEngine

/// Carries a result out of a thread; written once before the semaphore signals, read after waiting.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// No input may crash, hang or allocate without bound: deep nesting, huge texts and oversized shapes all end in a
/// clear `.limitExceeded` error naming the limit.
@Suite("Safety limits")
struct SafetyLimitTests {
    private let generous = EngineLimits(maxExpressionLength: 2_000_000, maxSourceLength: 20_000_000)

    /// Runs `body` on a thread with a 512 KiB stack, the smallest secondary-thread stack in common use.
    private func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        return box.value!
    }

    @Test func hundredThousandNestedParenthesesOnASmallStack() {
        let deep = String(repeating: "(", count: 100_000) + "t" + String(repeating: ")", count: 100_000)
        let limits = generous
        let error = onSmallStack { engineError { try compile([.scalar("t")], [deep], limits: limits) } }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.limit == "maxNestingDepth")
        #expect(error?.pointer == "/outputs/0")
        #expect(error?.message == "outputs[0] nests parentheses, calls, signs and powers more than 200 levels deep at "
            + "column 201; the limit is maxNestingDepth")
    }

    @Test func hundredThousandUnaryMinusesAndNestedCalls() {
        let limits = generous
        for deep in [String(repeating: "-", count: 100_000) + "t",
                     String(repeating: "sin(", count: 100_000) + "t" + String(repeating: ")", count: 100_000),
                     Array(repeating: "2", count: 100_000).joined(separator: "^")] {
            let error = onSmallStack { engineError { try compile([.scalar("t")], [deep], limits: limits) } }
            #expect(error?.limit == "maxNestingDepth")
        }
    }

    @Test func nestingJustUnderTheLimitCompilesAndDifferentiates() throws {
        let depth = 150
        let nested = String(repeating: "sin(", count: depth) + "t" + String(repeating: ")", count: depth)
        let function = try compile([.scalar("t")], [nested])
        var value = 0.3, derivative = 1.0
        for _ in 0..<depth {
            derivative *= cos(value)
            value = sin(value)
        }
        let result = try function.jacobian(at: [0.3], mode: .reverse)
        #expect(close(result.value[0], value) && close(result.jacobian[0, 0], derivative))
    }

    @Test func tenMegabyteExpressionIsRefusedBeforeReading() {
        let huge = String(repeating: "t+", count: 5_000_000) + "t"
        let error = engineError { try compile([.scalar("t")], ["t", huge]) }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.limit == "maxExpressionLength")
        #expect(error?.pointer == "/outputs/1")
        #expect(error?.message == "outputs[1] is longer than 10000 characters; the limit is maxExpressionLength")
    }

    @Test func lengthCountsUnicodeScalars() {
        // 10,000 two-byte scalars: 20,000 bytes of UTF-8 but exactly at the limit, so it gets to the lexer.
        let accented = String(repeating: "é", count: 10_000)
        #expect(engineError { try compile([.scalar("t")], [accented]) }?.kind == .syntax)
        #expect(engineError { try compile([.scalar("t")], [accented + "é"]) }?.limit == "maxExpressionLength")
    }

    @Test func totalSourceLength() {
        let limits = EngineLimits(maxSourceLength: 100)
        let outputs = Array(repeating: String(repeating: "t+", count: 20) + "t", count: 3)
        let error = engineError { try compile([.scalar("t")], outputs, limits: limits) }
        #expect(error?.limit == "maxSourceLength" && error?.pointer == "/outputs/2")
    }

    @Test func shapeLimits() {
        let tooManyOutputs = engineError { try compile([.scalar("t")], Array(repeating: "t", count: 10_001)) }
        #expect(tooManyOutputs?.limit == "maxOutputs" && tooManyOutputs?.pointer == "/outputs")
        #expect(tooManyOutputs?.message == "the function has 10001 outputs; the limit is maxOutputs = 10000")
        let tooManyInputs = engineError {
            try compile([.scalar("t"), .vector(name: "x", size: Int.max)], ["t"])
        }
        #expect(tooManyInputs?.limit == "maxInputs" && tooManyInputs?.pointer == "/inputs/1")
        let entries = engineError {
            try compile([.vector(name: "x", size: 10_000)], Array(repeating: "x[0]", count: 500))
        }
        #expect(entries?.limit == "maxJacobianEntries")
    }

    @Test func nodeLimit() {
        let limits = EngineLimits(maxNodes: 50)
        let long = (0..<100).map { "sin(t + \($0))" }.joined(separator: " + ")
        let error = engineError { try compile([.scalar("t")], [long], limits: limits) }
        #expect(error?.limit == "maxNodes" && error?.pointer == "/outputs/0")
    }

    @Test func longFlatExpressionsNeedNoRecursion() throws {
        // 2,500 terms chained left to right: the graph is 5,000 deep; evaluation and both AD modes are loops.
        let terms = (0..<2_500).map { "x[\($0 % 4)] * \($0 % 7)" }.joined(separator: " - ")
        let limits = generous
        let result = onSmallStack { () -> JacobianResult? in
            try? compile([.vector(name: "x", size: 4)], [terms], limits: limits).jacobian(at: [1, 2, 3, 4])
        }
        var expected = [Double](repeating: 0, count: 4)
        for term in 1..<2_500 { expected[term % 4] -= Double(term % 7) }  // term 0 has coefficient 0
        #expect(try #require(result).jacobian.storage == expected)
    }

    @Test func wideForwardModeIsChunkedNotUnbounded() throws {
        // Forced forward mode on a wide, deep function: the tangent block is capped by forwardTangentBudget and
        // the columns are swept in chunks, giving the same answer as reverse mode.
        let columns = 2_000
        let outputs = ["(" + (0..<columns).map { "sin(x[\($0)])" }.joined(separator: " + ") + ")^2", "x[7]"]
        let function = try compile([.vector(name: "x", size: columns)], outputs, limits: generous)
        let point = (0..<columns).map { Double($0) / Double(columns) }
        let registers = program(of: function).registerCount
        #expect(registers * columns > 4 * ExpressionProgram.forwardTangentBudget)
        let forward = try function.jacobian(at: point, mode: .forward)
        let reverse = try function.jacobian(at: point, mode: .reverse)
        #expect(close(forward.jacobian.storage, reverse.jacobian.storage, 1e-12))
    }
}
