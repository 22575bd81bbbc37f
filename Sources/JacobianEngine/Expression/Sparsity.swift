/// Where derivatives can be nonzero, worked out once at compile time so that sparse Jacobians (banded systems, sums
/// of local terms) cost work in proportion to their nonzeros rather than rows × columns × program length.
///
/// - Forward mode: each register's tangent can be nonzero only inside the span of columns it depends on
///   (`columnRanges`), so a banded function's tangent rows are a few entries wide.
/// - Reverse mode: each output row's adjoint sweep visits only the instructions it depends on (its cone, listed in
///   `coneInstructions`), instead of every instruction before it.
/// The same numbers estimate each mode's work, which `.auto` uses (see `preferredMode`).
struct Sparsity: Sendable {
    /// Columns `low..<high` (empty when `low >= high`).
    struct ColumnRange: Sendable, Hashable {
        var low: Int32
        var high: Int32

        static let empty = ColumnRange(low: 0, high: 0)
        var isEmpty: Bool { low >= high }
        var width: Int { isEmpty ? 0 : Int(high - low) }

        func union(_ other: ColumnRange) -> ColumnRange {
            if isEmpty { return other }
            if other.isEmpty { return self }
            return ColumnRange(low: min(low, other.low), high: max(high, other.high))
        }
    }

    /// Per register, the columns its tangent may be nonzero in.
    let columnRanges: [ColumnRange]
    /// Concatenated per-row cones: indices of the active instructions each output depends on, in descending order.
    let coneInstructions: [Int32]
    /// Row `r`'s cone is `coneInstructions[coneStarts[r]..<coneStarts[r + 1]]`, for `r < coneRowCount`.
    let coneStarts: [Int]
    /// Rows with a recorded cone; later rows (only when the cones would exceed `maxConeEntries`) sweep every
    /// instruction up to their output.
    let coneRowCount: Int
    /// The mode `.auto` should use: forward when the Jacobian has no more columns than rows, unless the other mode
    /// is estimated to do less than half the work.
    let preferredMode: DifferentiationMode

    /// Bound on the cone lists: four entries per instruction or a million, whichever is more, so dense functions
    /// with many outputs do not store rows × instructions indices.
    static func maxConeEntries(instructionCount: Int) -> Int { max(1 << 20, 4 * instructionCount) }

    /// Analyses a program; `maxConeEntries` overrides the bound on stored cones (tests use a tiny one).
    init(
        instructions: [Instruction], inputCount: Int, constantCount: Int, outputRegisters: [Int32],
        maxConeEntries: Int? = nil
    ) {
        let firstInstructionRegister = inputCount + constantCount
        var ranges = [ColumnRange](repeating: .empty, count: firstInstructionRegister + instructions.count)
        for column in 0..<inputCount { ranges[column] = ColumnRange(low: Int32(column), high: Int32(column + 1)) }
        var forwardWork = 0
        for instruction in instructions {
            var range = ColumnRange.empty
            if instruction.activity & Instruction.firstActive != 0 { range = ranges[Int(instruction.first)] }
            if instruction.activity & Instruction.secondActive != 0 {
                range = range.union(ranges[Int(instruction.second)])
            }
            ranges[Int(instruction.output)] = range
            forwardWork += range.width
        }
        columnRanges = ranges

        var cones: [Int32] = []
        var starts = [0]
        var reverseWork = 0
        var visitedBy = [Int32](repeating: -1, count: instructions.count)
        var stack: [Int32] = []
        let maxEntries = maxConeEntries ?? Self.maxConeEntries(instructionCount: instructions.count)
        var recordedRows = outputRegisters.count
        for (row, seed) in outputRegisters.enumerated() {
            let seedInstruction = Int(seed) - firstInstructionRegister
            let start = cones.count
            if seedInstruction >= 0, instructions[seedInstruction].activity != 0 {
                visitedBy[seedInstruction] = Int32(row)
                stack.append(Int32(seedInstruction))
            }
            // Depth-first over active operands with a heap stack: visits each cone instruction once.
            while let k = stack.popLast() {
                cones.append(k)
                let instruction = instructions[Int(k)]
                for operand in 0..<2 {
                    let bit = operand == 0 ? Instruction.firstActive : Instruction.secondActive
                    guard instruction.activity & bit != 0 else { continue }
                    let index = Int(operand == 0 ? instruction.first : instruction.second) - firstInstructionRegister
                    guard index >= 0, visitedBy[index] != Int32(row) else { continue }
                    visitedBy[index] = Int32(row)
                    stack.append(Int32(index))
                }
            }
            cones[start...].sort(by: >)
            reverseWork += cones.count - start
            starts.append(cones.count)
            if cones.count > maxEntries {
                // Too many to keep: this and later rows fall back to sweeping everything below their output.
                reverseWork -= cones.count - start
                cones.removeSubrange(start...)
                starts.removeLast()
                recordedRows = row
                for later in outputRegisters[row...] { reverseWork += max(0, Int(later) - firstInstructionRegister + 1) }
                break
            }
        }
        coneInstructions = cones
        coneStarts = starts
        coneRowCount = recordedRows

        let byShape: DifferentiationMode = inputCount <= outputRegisters.count ? .forward : .reverse
        if byShape == .forward && 2 * reverseWork < forwardWork {
            preferredMode = .reverse
        } else if byShape == .reverse && 2 * forwardWork < reverseWork {
            preferredMode = .forward
        } else {
            preferredMode = byShape
        }
    }
}
