func runEngineBenchmarks() { print("engine benchmarks: not yet written") }
