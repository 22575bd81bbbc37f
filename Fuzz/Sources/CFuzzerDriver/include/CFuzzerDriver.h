#ifndef C_FUZZER_DRIVER_H
#define C_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, FuzzerInterface.h), which runs `callback` as `main` would run
/// `LLVMFuzzerTestOneInput`. Called from each target's entry point: SwiftPM links Linux executables with
/// `--defsym main=<Module>_main`, so libFuzzer's own `main` is never linked in.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
