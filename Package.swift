// swift-tools-version:6.0
import PackageDescription

/// Hot loops (projection, compositing, rig evaluation) are compiled with full optimisation in
/// every configuration, so tests exercise the same code paths at a usable speed, and with AVX2 +
/// FMA so that `SIMD8<Float>` maps onto single vector instructions.
let hotLoopFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-Xcc", "-mavx2", "-Xcc", "-mfma"]),
]

let package = Package(
    name: "splatd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "splatd", targets: ["splatd"]),
        .executable(name: "splatctl", targets: ["splatctl"]),
        .library(name: "SplatIO", targets: ["SplatIO"]),
        .library(name: "Rasterizer", targets: ["Rasterizer"]),
        .library(name: "FrameEncoder", targets: ["FrameEncoder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev libturbojpeg0-dev libzmq3-dev zlib1g-dev).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),

        // Pipeline stages.
        .target(name: "SplatIO", dependencies: ["CZlib"]),
        .target(name: "Rasterizer", dependencies: ["SplatIO"], swiftSettings: hotLoopFlags),
        .target(name: "FrameEncoder", dependencies: ["CPNG", "CTurboJPEG"], path: "Sources/Encoder"),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "Animator", dependencies: ["SplatIO"], resources: [.copy("Resources")], swiftSettings: hotLoopFlags),
        .target(
            name: "SplatProtocol",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/Protocol", exclude: ["splatd.proto"]
        ),

        .target(
            name: "Daemon",
            dependencies: [
                "SplatIO", "Rasterizer", "FrameEncoder", "SplatProtocol", "ZeroMQ", "Animator", "CALSA",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Executables.
        .executableTarget(
            name: "splatd",
            dependencies: [
                "SplatIO", "Rasterizer", "FrameEncoder", "Animator", "Daemon", "SplatProtocol", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .executableTarget(name: "splatctl", dependencies: ["SplatProtocol", "ZeroMQ", "FrameEncoder", "Animator", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Tests.
        .testTarget(name: "SplatIOTests", dependencies: ["SplatIO"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RasterizerTests", dependencies: ["Rasterizer", "SplatIO"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FrameEncoderTests", dependencies: ["FrameEncoder", "CPNG", "CTurboJPEG", "SplatIO"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "AnimatorTests", dependencies: ["Animator", "SplatIO", "Rasterizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SplatProtocolTests", dependencies: ["SplatProtocol"]),
        .testTarget(name: "SplatctlTests", dependencies: ["splatctl"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "Animator", "SplatProtocol", "ZeroMQ", "FrameEncoder", "Rasterizer", "SplatIO"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
