// On-demand benchmarks, release mode only:  swift run -c release jacobian-bench [engine] [ik]
// With no argument, every suite runs.
let suites = Set(CommandLine.arguments.dropFirst())
if suites.isEmpty || suites.contains("engine") { runEngineBenchmarks() }
if suites.isEmpty || suites.contains("ik") { runIKBenchmark() }
