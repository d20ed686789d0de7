import Foundation
import SplatCore
import XCTest
import SplatIO

/// Reading and writing `.npz` archives, including numpy's own output and hostile zips.
final class NPZArchiveTests: XCTestCase {
    /// Checks the arrays written by `Fixtures/make-npz-fixtures.py`.
    private func checkNumpyFixture(_ name: String) throws {
        let npz = try NPZArchive(contentsOf: fixtureURL(name))
        XCTAssertEqual(Set(npz.keys), ["f4", "f8", "i4", "i8", "u4", "u1", "i1", "i2", "u2", "b1", "scalar", "empty", "fortran", "ramp"])
        XCTAssertEqual(npz.keys.first, "f4")

        let f4 = try npz.array("f4")
        XCTAssertEqual(f4.shape, [2, 3])
        XCTAssertEqual(f4.dtype, .float32)
        XCTAssertEqual(f4.floats(), [-1, -0.5, 0, 0.5, 1, 1.5])
        XCTAssertEqual(try npz.array("f8").doubles(), [1, -2.5, 1e300, 1.0 / 3])
        XCTAssertEqual(try npz.array("i4").int32s(), [Int32.min, -1, 0, Int32.max])
        XCTAssertEqual(try npz.array("i8").ints(), [-(1 << 40), 0, 1 << 40])
        XCTAssertEqual(try npz.array("u4").ints(), [0, 4_294_967_295])
        XCTAssertEqual(try npz.array("u1").int32s(), [0, 1, 255])
        XCTAssertEqual(try npz.array("i1").int32s(), [-128, 0, 127])
        XCTAssertEqual(try npz.array("i2").int32s(), [-32768, 32767])
        XCTAssertEqual(try npz.array("u2").int32s(), [0, 65535])
        let b1 = try npz.array("b1")
        XCTAssertEqual(b1.dtype, .bool)
        XCTAssertEqual(b1.floats(), [1, 0, 1])
        let scalar = try npz.array("scalar")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.doubles(), [3.5])
        let empty = try npz.array("empty")
        XCTAssertEqual(empty.shape, [0, 3])
        XCTAssertEqual(empty.count, 0)
        let fortran = try npz.array("fortran")
        XCTAssertEqual(fortran.shape, [2, 3, 4])
        XCTAssertEqual(try fortran.int32s(), (0..<24).map { Int32($0) })
        let ramp = try npz.array("ramp")
        XCTAssertEqual(ramp.shape, [250, 4])
        XCTAssertEqual(ramp.floats(), (0..<1000).map { Float($0) * 0.25 })
        XCTAssertEqual(try npz.arrays().count, 14)
        assertSplatIOError(try npz.array("nope")) { $0 == .missingEntry("nope") }
        XCTAssertFalse(npz.contains("nope"))
    }

    func testReadsNumpySavez() throws { try checkNumpyFixture("numpy-savez.npz") }

    func testReadsNumpySavezCompressed() throws { try checkNumpyFixture("numpy-savez-compressed.npz") }

    func testReadsZip64() throws {
        let npz = try NPZArchive(contentsOf: fixtureURL("zip64.npz"))
        XCTAssertEqual(npz.keys, ["a", "b"])
        XCTAssertEqual(try npz.array("a").floats(), [0, 1, 2, 3, 4])
        XCTAssertEqual(try npz.array("b").ints(), [1, 2, 3, 4])
    }

    /// A small archive of zeros that would inflate past `ArchiveLimits` is refused before a
    /// byte is inflated; under the limit it opens.
    func testADecompressionBombIsRefusedBeforeInflating() throws {
        let dir = try makeTemporaryDirectory(self)
        var writer = NPZWriter(compressed: true)
        writer.add("zeros", NPYArray(shape: [4 << 20], floats: [Float](repeating: 0, count: 4 << 20)))  // 16 MiB
        let url = dir.appendingPathComponent("bomb.npz")
        try writer.write(to: url)
        XCTAssertLessThan(try Data(contentsOf: url).count, 100_000, "16 MiB of zeros deflates to little")
        let saved = ArchiveLimits.maximumUncompressedBytes
        defer { ArchiveLimits.maximumUncompressedBytes = saved }
        ArchiveLimits.maximumUncompressedBytes = 8 << 20
        XCTAssertThrowsError(try NPZArchive(contentsOf: url)) { error in
            guard case .archiveTooLarge(let entry, let bytes, let limit)? = (error as? SplatIOError)?.reason else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(entry, "zeros.npy")
            XCTAssertGreaterThan(bytes, 16 << 20)
            XCTAssertEqual(limit, 8 << 20)
            XCTAssertTrue("\(error)".contains("maximumArchiveBytes"), "\(error)")
        }
        ArchiveLimits.maximumUncompressedBytes = 32 << 20
        XCTAssertEqual(try NPZArchive(contentsOf: url).array("zeros").shape, [4 << 20])
    }

    func testWriterRoundTripStoredAndCompressed() throws {
        let dir = try makeTemporaryDirectory(self)
        let arrays: [(String, NPYArray)] = [
            ("shape", NPYArray(shape: [300], floats: (0..<300).map { Float($0) / 7 })),
            ("expr", NPYArray(shape: [10, 100], floats: [Float](repeating: 0.25, count: 1000))),
            ("faces", NPYArray(shape: [2, 3], int32s: [0, 1, 2, 2, 1, 3])),
            ("scalar", NPYArray(shape: [], doubles: [1.5])),
            ("empty", NPYArray(shape: [0, 3], floats: [])),
        ]
        for compressed in [false, true] {
            var writer = NPZWriter(compressed: compressed)
            for (k, a) in arrays { writer.add(k, a) }
            writer.add("faces", arrays[2].1)  // replacing keeps one entry
            let url = dir.appendingPathComponent(compressed ? "c.npz" : "s.npz")
            try writer.write(to: url)
            let npz = try NPZArchive(contentsOf: url)
            XCTAssertEqual(npz.keys, arrays.map(\.0))
            for (k, a) in arrays { XCTAssertEqual(try npz.array(k), a, k) }
        }
        let stored = try Data(contentsOf: dir.appendingPathComponent("s.npz"))
        let deflated = try Data(contentsOf: dir.appendingPathComponent("c.npz"))
        XCTAssertLessThan(deflated.count, stored.count)
    }

    // MARK: - Hostile archives

    /// A stored archive with one entry `a.npy` holding a 4-float array, and its entry offsets.
    private func smallArchive() throws -> [UInt8] {
        var w = NPZWriter()
        w.add("a", NPYArray(shape: [4], floats: [1, 2, 3, 4]))
        return [UInt8](try w.data())
    }

    private func u32(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
    private func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { b.replaceSubrange(o..<o + 4, with: le(v)) }

    private func eocd(_ b: [UInt8]) -> Int { b.count - 22 }
    private func centralEntry(_ b: [UInt8]) -> Int { u32(b, eocd(b) + 16) }

    private func open(_ bytes: [UInt8]) throws -> NPZArchive { try NPZArchive(Data(bytes), path: "hostile.npz") }

    func testEntryOffsetBeyondEndOfFile() throws {
        var b = try smallArchive()
        put32(&b, centralEntry(b) + 42, 0x7FFF_0000)  // local header offset
        let error = assertSplatIOError(try open(b)) {
            if case .entryOutOfBounds(entry: "a.npy", _) = $0 { return true } else { return false }
        }
        XCTAssertTrue(error?.description.hasPrefix("hostile.npz: zip entry 'a.npy' out of bounds") ?? false)
    }

    func testEntrySizeBeyondEndOfFile() throws {
        var b = try smallArchive()
        put32(&b, centralEntry(b) + 20, 0x1000_0000)  // compressed size
        put32(&b, centralEntry(b) + 24, 0x1000_0000)  // uncompressed size
        assertSplatIOError(try open(b)) { if case .entryOutOfBounds = $0 { return true } else { return false } }
    }

    func testCentralDirectoryOutsideFile() throws {
        var b = try smallArchive()
        put32(&b, eocd(b) + 16, 0xFFFF_FF00)  // central directory offset
        assertSplatIOError(try open(b)) { if case .malformedArchive = $0 { return true } else { return false } }
        b = try smallArchive()
        b[eocd(b) + 10] = 200  // 200 entries in a 1-entry directory
        assertSplatIOError(try open(b)) { if case .malformedArchive = $0 { return true } else { return false } }
    }

    func testNotAZipAndTruncated() throws {
        assertSplatIOError(try open(Array("hello".utf8))) { if case .malformedArchive = $0 { return true } else { return false } }
        assertSplatIOError(try open([UInt8](repeating: 0, count: 1000))) { if case .malformedArchive = $0 { return true } else { return false } }
        let b = try smallArchive()
        assertSplatIOError(try open(Array(b.dropLast(30)))) { if case .malformedArchive = $0 { return true } else { return false } }
    }

    func testCorruptStoredDataFailsCRC() throws {
        var b = try smallArchive()
        b[30 + 5 + 128 + 2] ^= 0xFF  // local header + name + npy header, then into the floats
        let npz = try open(b)
        assertSplatIOError(try npz.array("a")) { $0 == .checksumMismatch(entry: "a.npy") }
    }

    func testCorruptDeflateStream() throws {
        var w = NPZWriter(compressed: true)
        w.add("a", NPYArray(shape: [1000], floats: (0..<1000).map { Float($0) }))
        let good = [UInt8](try w.data())
        let dataStart = 30 + 5
        var rng = SplitMix64(seed: 7)
        var failures = 0
        for trial in 0..<50 {
            var b = good
            let i = dataStart + Int.random(in: 0..<40, using: &rng)
            b[i] ^= UInt8.random(in: 1...255, using: &rng)
            do {
                _ = try open(b).array("a")
                XCTFail("trial \(trial): corrupt deflate data was accepted")
            } catch let error as SplatIOError {
                switch error.reason {
                case .decompressionFailed, .checksumMismatch: failures += 1
                default: XCTFail("trial \(trial): \(error)")
                }
            }
        }
        XCTAssertEqual(failures, 50)

        // A deflated entry that claims an impossible expansion is refused before inflating.
        var b = good
        put32(&b, centralEntry(b) + 24, 0xF000_0000)
        assertSplatIOError(try open(b)) { if case .decompressionFailed = $0 { return true } else { return false } }
        // Claiming fewer bytes than the stream produces.
        b = good
        put32(&b, centralEntry(b) + 24, UInt32(u32(good, centralEntry(good) + 24) - 1))
        assertSplatIOError(try open(b).array("a")) { if case .decompressionFailed = $0 { return true } else { return false } }
        // Truncating the compressed size.
        b = good
        put32(&b, centralEntry(b) + 20, 10)
        assertSplatIOError(try open(b).array("a")) { if case .decompressionFailed = $0 { return true } else { return false } }
    }

    func testUnsupportedFeatures() throws {
        var b = try smallArchive()
        b[centralEntry(b) + 10] = 12  // bzip2
        assertSplatIOError(try open(b)) { if case .unsupportedArchiveFeature = $0 { return true } else { return false } }
        b = try smallArchive()
        b[centralEntry(b) + 8] |= 1  // encrypted
        assertSplatIOError(try open(b)) { if case .unsupportedArchiveFeature = $0 { return true } else { return false } }
    }

    func testBadNPYInsideArchiveNamesTheEntry() throws {
        var npy = [UInt8](NPYFile.data(for: NPYArray(shape: [4], floats: [1, 2, 3, 4])))
        let i = npy.firstRange(of: Array("'<f4'".utf8))!.lowerBound
        npy[i + 1] = UInt8(ascii: ">")
        let archive = try makeStoredZip(name: "a.npy", payload: npy)
        let error = assertSplatIOError(try NPZArchive(Data(archive), path: "p.npz").array("a")) {
            if case .unsupportedDType = $0 { return true } else { return false }
        }
        XCTAssertEqual(error?.path, "p.npz[a.npy]")
    }

    func testReadsAnIndependentlyWrittenZip() throws {
        let npy = [UInt8](NPYFile.data(for: NPYArray(shape: [2], ints: [7, 8])))
        let npz = try NPZArchive(Data(try makeStoredZip(name: "idx.npy", payload: npy)))
        XCTAssertEqual(try npz.array("idx").ints(), [7, 8])
    }

    func testRandomCorruptionNeverCrashes() throws {
        var w = NPZWriter(compressed: true)
        w.add("x", NPYArray(shape: [64], floats: (0..<64).map { Float($0) }))
        w.add("y", NPYArray(shape: [2, 2], ints: [1, 2, 3, 4]))
        let good = [UInt8](try w.data())
        var rng = SplitMix64(seed: 3)
        for _ in 0..<400 {
            var b = good
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let npz = try? NPZArchive(Data(b), path: "fuzz.npz") {
                for k in npz.keys { _ = try? npz.array(k) }
            }
        }
    }

    /// A one-entry stored zip with an arbitrary payload (CRC computed here, independently of SplatIO).
    private func makeStoredZip(name: String, payload: [UInt8]) throws -> [UInt8] {
        var table = [UInt32](repeating: 0, count: 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[n] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in payload { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        crc ^= 0xFFFF_FFFF
        let n = Array(name.utf8)
        var local: [UInt8] = le(UInt32(0x0403_4B50)) + le(UInt16(20)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0))
        local += le(crc) + le(UInt32(payload.count)) + le(UInt32(payload.count)) + le(UInt16(n.count)) + le(UInt16(0)) + n
        var central: [UInt8] = le(UInt32(0x0201_4B50)) + le(UInt16(20)) + le(UInt16(20)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0))
        central += le(crc) + le(UInt32(payload.count)) + le(UInt32(payload.count)) + le(UInt16(n.count))
        central += le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0)) + le(UInt32(0)) + n
        let cdOffset = local.count + payload.count
        let end: [UInt8] = le(UInt32(0x0605_4B50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(1)) + le(UInt16(1))
            + le(UInt32(central.count)) + le(UInt32(cdOffset)) + le(UInt16(0))
        return local + payload + central + end
    }
}
