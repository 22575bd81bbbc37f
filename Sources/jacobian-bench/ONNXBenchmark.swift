import Foundation
import JacobianEngine
import ONNXImport

/// `jacobian-bench onnx MODEL.onnx`: one class-score gradient (one reverse sweep) and the full Jacobian of an ONNX
/// classifier at a fixed pseudo-random input, in microseconds (median wall and CPU time per call). The PyTorch
/// figures for the same model come from scripts/bench-onnx-lenet.py, which also writes the model.
func runONNXBenchmark(_ arguments: [String]) {
    guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
        print("usage: jacobian-bench onnx MODEL.onnx")
        return
    }
    let model: ONNXModel
    do {
        model = try ONNXImporter.load(Array(data))
    } catch {
        print("cannot load \(path): \(error)")
        return
    }
    let function = model.function
    // The same input as the Python script: x[i] = sin(i) / 2 + 0.5.
    let x = (0..<function.inputCount).map { sin(Double($0)) / 2 + 0.5 }
    let gradient = EngineBenchTiming.median {
        EngineBenchTiming.consume((try? function.gradient(at: x, row: 3).gradient[0]) ?? 0)
    }
    let jacobian = EngineBenchTiming.median(rounds: 9) {
        EngineBenchTiming.consume((try? function.compiled.jacobian(at: x, mode: .reverse).jacobian.storage[0]) ?? 0)
    }
    let value = EngineBenchTiming.median {
        EngineBenchTiming.consume((try? function.evaluate(at: x)[0]) ?? 0)
    }
    let shape = "\(function.outputCount)x\(function.inputCount)"
    print(#"{"workload": "onnx value", "system": "ours", "us_wall": \#(value.wall), "us_cpu": \#(value.cpu)}"#)
    print(#"{"workload": "onnx gradient", "system": "ours", "us_wall": \#(gradient.wall), "us_cpu": \#(gradient.cpu)}"#)
    print(#"{"workload": "onnx jacobian \#(shape)", "system": "ours", "us_wall": \#(jacobian.wall), "us_cpu": \#(jacobian.cpu)}"#)
}
