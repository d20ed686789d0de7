import CTurboJPEG

/// Encodes frames as baseline JPEG with libturbojpeg: 4:2:0 chroma subsampling and the fast
/// integer DCT (`TJFLAG_FASTDCT`). RGBA input is accepted and its alpha channel ignored.
///
/// The encoder owns a TurboJPEG compressor handle (created in `init`, freed in `deinit`) and
/// a scratch buffer of `tjBufSize` bytes that libturbojpeg compresses into
/// (`TJFLAG_NOREALLOC`); the finished image is then copied into `output`. The scratch buffer
/// grows only when a larger frame arrives, so steady-state encoding allocates nothing.
///
/// Not thread-safe: a TurboJPEG handle must not be used by two threads at once. Give each
/// thread (or each stream) its own encoder; an encoder may be handed from one thread to
/// another between frames.
public final class JPEGEncoder: FrameEncoding {
    /// JPEG quality, `1...100`.
    public let quality: Int
    /// `.jpeg(quality: quality)`.
    public var codec: FrameCodec { .jpeg(quality: quality) }

    private let handle: tjhandle
    private var scratch: UnsafeMutablePointer<UInt8>?
    private var scratchCapacity = 0

    /// Creates a JPEG encoder and its TurboJPEG handle.
    ///
    /// - Parameter quality: `1...100` (default 85).
    /// - Throws: `EncoderError.invalidJPEGQuality`, or `.libraryFailure` if libturbojpeg
    ///   cannot create a compressor.
    public init(quality: Int = 85) throws {
        guard FrameCodec.jpegQualities.contains(quality) else {
            throw EncoderError.invalidJPEGQuality(quality)
        }
        guard let handle = tjInitCompress() else {
            throw EncoderError.libraryFailure(library: "libturbojpeg", message: Self.lastError(nil))
        }
        self.quality = quality
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
        scratch?.deallocate()
    }

    /// Encodes one frame as JPEG.
    public func encode(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, layout: PixelLayout,
        into output: inout [UInt8]
    ) throws {
        output.removeAll(keepingCapacity: true)
        let rowBytes = try FrameGeometry.validate(pixels, width: width, height: height, layout: layout)

        // tjBufSize returns (unsigned long)-1 on error.
        let worstCase = tjBufSize(Int32(width), Int32(height), Int32(TJSAMP_420.rawValue))
        guard worstCase != UInt.max, let bound = Int(exactly: worstCase), bound > 0 else {
            throw EncoderError.libraryFailure(library: "libturbojpeg", message: Self.lastError(nil))
        }
        if bound > scratchCapacity {
            scratch?.deallocate()
            scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: bound)
            scratchCapacity = bound
        }

        var jpeg: UnsafeMutablePointer<UInt8>? = scratch
        var size = UInt(scratchCapacity)
        let pixelFormat = layout == .rgba8 ? TJPF_RGBA : TJPF_RGB
        let status = tjCompress2(
            handle, pixels.assumingBytes.baseAddress, Int32(width), Int32(rowBytes), Int32(height),
            Int32(pixelFormat.rawValue), &jpeg, &size, Int32(TJSAMP_420.rawValue), Int32(quality),
            TJFLAG_FASTDCT | TJFLAG_NOREALLOC)
        guard status == 0, let jpeg, jpeg == scratch, Int(size) <= scratchCapacity else {
            throw EncoderError.libraryFailure(library: "libturbojpeg", message: Self.lastError(handle))
        }
        output.append(contentsOf: UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }

    /// libturbojpeg's message for the last error on `handle` (or the last global error).
    static func lastError(_ handle: tjhandle?) -> String {
        guard let message = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: message)
    }
}
