// On-demand benchmarks, release mode only:
//   swift run -c release jacobian-bench [engine] [ik] [ik-restarts] [ik-http [host:port] [count]] [onnx MODEL.onnx]
// With no argument, engine and ik run (the others need a choice or a running server).
let arguments = Array(CommandLine.arguments.dropFirst())
let suites = Set(arguments)
if suites.isEmpty || suites.contains("engine") { runEngineBenchmarks() }
if suites.isEmpty || suites.contains("ik") { runIKBenchmark() }
if suites.contains("ik-restarts") { runIKRestartSweep() }
if let index = arguments.firstIndex(of: "ik-http") { runIKHTTPBenchmark(Array(arguments[(index + 1)...])) }
if let index = arguments.firstIndex(of: "onnx") { runONNXBenchmark(Array(arguments[(index + 1)...])) }
