func runIKBenchmark() { print("ik benchmark: not yet written") }
