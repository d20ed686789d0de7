import Rasterizer
import XCTest

/// The start-up check for the kernels' vector extensions, against `/proc/cpuinfo` texts.
final class KernelTargetTests: XCTestCase {
    private func cpuinfo(_ flags: [String]) -> String {
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 \(flags.joined(separator: " "))\nbogomips\t: 5192.30\n"
    }

    func testThisMachineRunsWhatItBuilt() throws {
        try KernelTarget.checkThisCPU()
    }

    func testACPUWithTheExtensionsPasses() throws {
        try KernelTarget.checkThisCPU(cpuinfo: cpuinfo(KernelTarget.extensions))
        try KernelTarget.checkThisCPU(cpuinfo: nil)   // unreadable: nothing to check
        try KernelTarget.checkThisCPU(cpuinfo: "garbage\u{0}\nno flags here")   // no flags line: nothing to check
    }

    func testACPUWithoutAVX2IsRefusedByName() throws {
        #if arch(x86_64)
        XCTAssertThrowsError(try KernelTarget.checkThisCPU(cpuinfo: cpuinfo(["fma"]))) { error in
            guard case let .missingExtensions(missing, _) = error as? KernelTargetError else { return XCTFail("\(error)") }
            XCTAssertEqual(missing.first, "avx2")
            XCTAssertTrue("\(error)".contains("lacks avx2"), "\(error)")
        }
        #endif
    }

    func testAnAVX512BuildOnAnAVX2CPUSaysHowToRebuild() throws {
        guard KernelTarget.extensions.contains("avx512f") else {
            throw XCTSkip("these kernels were built without AVX-512 (SPLATD_PORTABLE=1 or no AVX-512 here)")
        }
        XCTAssertThrowsError(try KernelTarget.checkThisCPU(cpuinfo: cpuinfo(["avx2", "fma", "avx512f"]))) { error in
            XCTAssertEqual(error as? KernelTargetError,
                           .missingExtensions(["avx512vl", "avx512bw", "avx512dq"], builtFor: "AVX-512"))
            XCTAssertTrue("\(error)".contains("SPLATD_PORTABLE=1"), "\(error)")
        }
    }
}
