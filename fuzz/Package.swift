// swift-tools-version:6.0
import PackageDescription

/// libFuzzer driver for splatd's decoders: one executable, `splatd-fuzz`, that runs the fuzz
/// target named by `SPLATD_FUZZ_TARGET` (the targets are the main package's `FuzzTargets`).
///
/// A package of its own so that the sanitizer build (`-sanitize=fuzzer,address` on every module)
/// has its own scratch folder and never touches the main package's `.build`. Build and run it
/// with `scripts/fuzz`; the flags it needs are there, since a manifest cannot set them for the
/// modules of a dependency.
let package = Package(
    name: "splatd-fuzz",
    dependencies: [
        .package(name: "splatd", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver (the library itself comes with -sanitize=fuzzer).
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(
            name: "splatd-fuzz",
            dependencies: ["CLibFuzzer", .product(name: "FuzzTargets", package: "splatd")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
