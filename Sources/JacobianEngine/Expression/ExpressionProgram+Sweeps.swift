extension ExpressionProgram {
    /// Forward mode: tangents of `width` columns at a time (one sweep unless the function is both huge and wide).
    ///
    /// A register's tangent row is written, and read, only inside its column range (see `Sparsity`), intersected
    /// with the chunk; entries outside are known zeros and never touched, so the block needs no clearing and a
    /// banded function costs a few multiply-adds per instruction.
    func forwardSweeps(
        _ partials: UnsafeMutableBufferPointer<Double>, tangents: UnsafeMutableBufferPointer<Double>, width: Int,
        jacobian: UnsafeMutableBufferPointer<Double>
    ) {
        let columns = columnCount
        instructions.withUnsafeBufferPointer { code in
            sparsity.columnRanges.withUnsafeBufferPointer { ranges in
                var start = 0
                while start < columns {
                    let w = min(width, columns - start)
                    let (chunkLow, chunkHigh) = (start, start + w)
                    /// The part of `register`'s range inside this chunk, as offsets into its tangent row.
                    func span(_ register: Int32) -> Range<Int> {
                        let range = ranges[Int(register)]
                        let low = max(Int(range.low), chunkLow), high = min(Int(range.high), chunkHigh)
                        return low < high ? (low - start)..<(high - start) : 0..<0
                    }
                    for column in chunkLow..<chunkHigh { tangents[column * w + (column - start)] = 1 }
                    for k in code.indices {
                        let instruction = code[k]
                        let outSpan = span(instruction.output)
                        if outSpan.isEmpty { continue }
                        let out = Int(instruction.output) * w
                        let a = Int(instruction.first) * w
                        let b = Int(instruction.second) * w
                        let da = partials[2 * k]
                        let db = partials[2 * k + 1]
                        switch instruction.activity {
                        case Instruction.firstActive:
                            for j in outSpan { tangents[out + j] = da * tangents[a + j] }
                        case Instruction.secondActive:
                            for j in outSpan { tangents[out + j] = db * tangents[b + j] }
                        default:
                            let (aSpan, bSpan) = (span(instruction.first), span(instruction.second))
                            if aSpan == outSpan && bSpan == outSpan {
                                for j in outSpan { tangents[out + j] = da * tangents[a + j] + db * tangents[b + j] }
                            } else {
                                for j in outSpan { tangents[out + j] = 0 }
                                for j in aSpan { tangents[out + j] += da * tangents[a + j] }
                                for j in bSpan { tangents[out + j] += db * tangents[b + j] }
                            }
                        }
                    }
                    outputRegisters.withUnsafeBufferPointer { outputs in
                        for row in outputs.indices {
                            let target = row * columns + start
                            let source = Int(outputs[row]) * w
                            let outSpan = span(outputs[row])
                            for j in 0..<w { jacobian[target + j] = 0 }
                            for j in outSpan { jacobian[target + j] = tangents[source + j] }
                        }
                    }
                    start += w
                }
            }
        }
    }

    /// Reverse mode: for each output row, seed its register's adjoint with 1 and accumulate adjoints backwards
    /// through the instructions it depends on (its cone), or, for rows without a recorded cone, through every
    /// instruction up to its output.
    func reverseSweeps(
        _ partials: UnsafeMutableBufferPointer<Double>, adjoints: UnsafeMutableBufferPointer<Double>,
        jacobian: UnsafeMutableBufferPointer<Double>
    ) {
        let columns = columnCount
        let firstInstructionRegister = inputCount + constants.count
        instructions.withUnsafeBufferPointer { code in
            sparsity.coneInstructions.withUnsafeBufferPointer { cones in
                outputRegisters.withUnsafeBufferPointer { outputs in
                    @inline(__always) func propagate(_ k: Int) {
                        let instruction = code[k]
                        let g = adjoints[Int(instruction.output)]
                        switch instruction.activity {
                        case 1: adjoints[Int(instruction.first)] += g * partials[2 * k]
                        case 2: adjoints[Int(instruction.second)] += g * partials[2 * k + 1]
                        case 3:
                            adjoints[Int(instruction.first)] += g * partials[2 * k]
                            adjoints[Int(instruction.second)] += g * partials[2 * k + 1]
                        default: break
                        }
                    }
                    // Constants' adjoints collect contributions that are never read; clearing them once keeps every
                    // read of the scratch initialized.
                    adjoints.baseAddress!.initialize(repeating: 0, count: firstInstructionRegister)
                    for row in outputs.indices {
                        let seed = Int(outputs[row])
                        if row < sparsity.coneRowCount {
                            // Only the inputs (read back below) and the cone's own registers need clearing.
                            let cone = sparsity.coneStarts[row]..<sparsity.coneStarts[row + 1]
                            adjoints.baseAddress!.initialize(repeating: 0, count: columns)
                            for index in cone { adjoints[Int(code[Int(cones[index])].output)] = 0 }
                            adjoints[seed] = 1
                            for index in cone { propagate(Int(cones[index])) }
                        } else {
                            // Registers are in execution order, so nothing after the output's register reaches it.
                            adjoints.baseAddress!.initialize(repeating: 0, count: max(seed + 1, columns))
                            adjoints[seed] = 1
                            for k in stride(from: seed - firstInstructionRegister, through: 0, by: -1) { propagate(k) }
                        }
                        for j in 0..<columns { jacobian[row * columns + j] = adjoints[j] }
                    }
                }
            }
        }
    }
}
