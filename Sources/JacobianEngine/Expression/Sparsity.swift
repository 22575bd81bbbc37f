/// Where derivatives can be nonzero, worked out once at compile time so that sparse Jacobians (banded systems, sums
/// of local terms) cost work in proportion to their nonzeros rather than rows × columns × program length.
///
/// - Forward mode: each register's tangent can be nonzero only inside the span of columns it depends on
///   (`columnRanges`), so a banded function's tangent rows are a few entries wide.
/// - Reverse mode: each output row's adjoint sweep visits only the instructions it depends on (its cone, listed in
///   `coneInstructions`), instead of every instruction before it.
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
    /// The Jacobian's structural pattern: the inputs each output's cone reads (exact for rows with a recorded cone;
    /// later rows list their whole column range), or nil when that would hold more than `maxConeEntries` entries:
    /// such a Jacobian is treated as dense, so that a cached function never holds more than its cones' worth.
    let storedPattern: SparsityPattern?
    /// The stored pattern, or every entry when none is stored.
    var jacobianPattern: SparsityPattern {
        storedPattern ?? .dense(rows: outputRowCount, columns: inputColumnCount, isExact: false)
    }
    private let outputRowCount: Int
    private let inputColumnCount: Int
    /// Structurally orthogonal columns, for compressed forward sweeps (`ExpressionProgram+Products.swift`).
    let columnColoring: ColumnColoring
    /// Structurally orthogonal rows, for compressed reverse sweeps.
    let rowColoring: ColumnColoring
    /// For each pattern entry, where a compressed forward sweep carrying every colour at once leaves it: the
    /// output register's tangent row times the colour count, plus the column's colour. Reading the entries is then
    /// one indexed copy.
    let forwardGather: [Int32]
    /// The pattern of every output's Hessian together, and its colouring (see `HessianSparsity`).
    let hessian: HessianSparsity

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
        for instruction in instructions {
            var range = ColumnRange.empty
            if instruction.activity & Instruction.firstActive != 0 { range = ranges[Int(instruction.first)] }
            if instruction.activity & Instruction.secondActive != 0 {
                range = range.union(ranges[Int(instruction.second)])
            }
            ranges[Int(instruction.output)] = range
        }
        columnRanges = ranges

        var cones: [Int32] = []
        var starts = [0]
        var visitedBy = [Int32](repeating: -1, count: instructions.count)
        var stack: [Int32] = []
        let maxEntries = maxConeEntries ?? Self.maxConeEntries(instructionCount: instructions.count)
        var recordedRows = outputRegisters.count
        // The pattern: per row, the inputs its cone reads, deduplicated with a per-row stamp.
        var patternStarts = [0]
        var patternColumns: [Int] = []
        var columnSeenBy = [Int32](repeating: -1, count: inputCount)
        for (row, seed) in outputRegisters.enumerated() {
            let seedInstruction = Int(seed) - firstInstructionRegister
            let start = cones.count
            let patternStart = patternColumns.count
            if Int(seed) < inputCount { patternColumns.append(Int(seed)) }
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
                    let register = Int(operand == 0 ? instruction.first : instruction.second)
                    if register < inputCount, columnSeenBy[register] != Int32(row) {
                        columnSeenBy[register] = Int32(row)
                        patternColumns.append(register)
                    }
                    let index = register - firstInstructionRegister
                    guard index >= 0, visitedBy[index] != Int32(row) else { continue }
                    visitedBy[index] = Int32(row)
                    stack.append(Int32(index))
                }
            }
            cones[start...].sort(by: >)
            patternColumns[patternStart...].sort()
            starts.append(cones.count)
            patternStarts.append(patternColumns.count)
            if cones.count > maxEntries {
                // Too many to keep: this and later rows fall back to sweeping everything below their output.
                cones.removeSubrange(start...)
                starts.removeLast()
                patternColumns.removeSubrange(patternStart...)
                patternStarts.removeLast()
                recordedRows = row
                break
            }
        }
        coneInstructions = cones
        coneStarts = starts
        coneRowCount = recordedRows
        // Rows without a cone list their column range: a superset, which colouring and recovery handle correctly.
        for seed in outputRegisters[recordedRows...] {
            let range = ranges[Int(seed)]
            if !range.isEmpty { patternColumns.append(contentsOf: Int(range.low)..<Int(range.high)) }
            patternStarts.append(patternColumns.count)
        }
        outputRowCount = outputRegisters.count
        inputColumnCount = inputCount
        guard patternColumns.count <= maxEntries else {
            storedPattern = nil
            columnColoring = .identity(inputCount)
            rowColoring = .identity(outputRegisters.count)
            forwardGather = []
            hessian = HessianSparsity(instructions: instructions, inputCount: inputCount, constantCount: constantCount)
            return
        }
        let pattern = SparsityPattern(
            rows: outputRegisters.count, columns: inputCount, rowStarts: patternStarts, columnIndices: patternColumns,
            isExact: recordedRows == outputRegisters.count)
        storedPattern = pattern
        columnColoring = ColumnColoring(columnsOf: pattern)
        rowColoring = ColumnColoring(columnsOf: pattern.transposed)
        var gather = [Int32](repeating: 0, count: pattern.nnz)
        let colorCount = columnColoring.count
        for row in 0..<pattern.rows {
            let base = Int(outputRegisters[row]) * colorCount
            for entry in pattern.rowStarts[row]..<pattern.rowStarts[row + 1] {
                gather[entry] = Int32(truncatingIfNeeded: base + columnColoring.colors[pattern.columnIndices[entry]])
            }
        }
        forwardGather = gather
        hessian = HessianSparsity(instructions: instructions, inputCount: inputCount, constantCount: constantCount)
    }
}
