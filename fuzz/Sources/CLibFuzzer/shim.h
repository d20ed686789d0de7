// libFuzzer's entry for programs that keep their own main (it is in libclang_rt.fuzzer, which
// -sanitize=fuzzer links). SwiftPM gives every executable a main of its own, so splatd-fuzz
// calls this instead of letting libFuzzer's main run.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
