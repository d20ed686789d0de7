import CFFmpeg

/// Converts tightly packed RGB or RGBA frames into the planar 4:2:0 YUV `AVFrame` that libx264
/// takes, with libswscale: BT.601 matrix, full-range RGB in, limited-range (16–235) YUV out —
/// what decoders assume when a stream says nothing.
///
/// Owns one `SwsContext` per input layout (created on first use) and the destination frame.
final class YUVConverter {
    let width: Int
    let height: Int
    /// The planar YUV 4:2:0 frame the conversion writes (owned; freed in `deinit`).
    let frame: UnsafeMutablePointer<AVFrame>
    private var contexts: [VideoPixelLayout: OpaquePointer] = [:]

    /// Allocates the destination frame.
    ///
    /// - Throws: `MediaCodecError.libraryFailure` if FFmpeg cannot allocate it.
    init(width: Int, height: Int) throws {
        self.width = width
        self.height = height
        guard let frame = av_frame_alloc() else {
            throw MediaCodecError.libraryFailure(operation: "av_frame_alloc", code: 0, message: "out of memory")
        }
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.color_range = AVCOL_RANGE_MPEG
        frame.pointee.colorspace = AVCOL_SPC_SMPTE170M
        frame.pointee.color_primaries = AVCOL_PRI_BT709
        frame.pointee.color_trc = AVCOL_TRC_IEC61966_2_1
        self.frame = frame
        do {
            // Planes aligned for SIMD (32 bytes covers AVX2).
            try FFmpegStatus.check(av_frame_get_buffer(frame, 32), "av_frame_get_buffer")
        } catch {
            var pointer: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&pointer)
            throw error
        }
    }

    deinit {
        for context in contexts.values { sws_freeContext(context) }
        var pointer: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&pointer)
    }

    /// Converts one frame into `frame`.
    ///
    /// - Precondition: `pixels` holds exactly `width * height * layout.bytesPerPixel` bytes
    ///   (the encoder checked).
    /// - Throws: `MediaCodecError.libraryFailure` if swscale cannot be set up or the frame
    ///   cannot be made writable.
    func convert(_ pixels: UnsafeRawBufferPointer, layout: VideoPixelLayout) throws {
        let context = try context(for: layout)
        // libavcodec may still hold a reference to the previous frame's buffers; this copies
        // only in that case.
        try FFmpegStatus.check(av_frame_make_writable(frame), "av_frame_make_writable")
        guard let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // sws_scale reads four source planes and strides; the RGB input is a single plane.
        let sources: [UnsafePointer<UInt8>?] = [base, nil, nil, nil]
        let sourceStrides: [Int32] = [Int32(width * layout.bytesPerPixel), 0, 0, 0]
        // AVFrame.data and .linesize are C arrays of 8, imported as tuples: view them as
        // pointers to their first element for sws_scale.
        let rows = withUnsafeMutablePointer(to: &frame.pointee.data) { data in
            withUnsafeMutablePointer(to: &frame.pointee.linesize) { linesize in
                data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: Int(AV_NUM_DATA_POINTERS)) { planes in
                    linesize.withMemoryRebound(to: Int32.self, capacity: Int(AV_NUM_DATA_POINTERS)) { strides in
                        sws_scale(context, sources, sourceStrides, 0, Int32(height), planes, strides)
                    }
                }
            }
        }
        guard rows == Int32(height) else {
            throw MediaCodecError.libraryFailure(operation: "sws_scale", code: rows, message: "converted \(rows) of \(height) rows")
        }
    }

    /// The swscale context for `layout`, created on first use.
    private func context(for layout: VideoPixelLayout) throws -> OpaquePointer {
        if let context = contexts[layout] { return context }
        let source = layout == .rgb8 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_RGBA
        // Same size in and out: the only filtering is the 2×2 chroma downsampling; accurate
        // rounding keeps flat areas exactly flat.
        let flags = SWS_BILINEAR | SWS_ACCURATE_RND
        guard let context = sws_getContext(
            Int32(width), Int32(height), source, Int32(width), Int32(height), AV_PIX_FMT_YUV420P,
            flags, nil, nil, nil)
        else {
            throw MediaCodecError.libraryFailure(operation: "sws_getContext", code: 0,
                                                 message: "libswscale cannot convert \(layout) to YUV 4:2:0")
        }
        // BT.601 coefficients; source range full (RGB), destination range limited (MPEG).
        let bt601 = sws_getCoefficients(SWS_CS_ITU601)
        _ = sws_setColorspaceDetails(context, bt601, 1, bt601, 0, 0, 1 << 16, 1 << 16)
        contexts[layout] = context
        return context
    }
}
