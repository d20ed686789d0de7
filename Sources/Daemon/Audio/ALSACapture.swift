import CALSA
import Foundation
import SplatCore
import SplatProtocol

/// Captures 16-bit interleaved PCM from an ALSA device on its own thread and hands every 20 ms
/// chunk to a callback.
///
/// The device is opened by name (`hw:0`, `plughw:1,0`, `default`, or any PCM defined in an
/// asoundrc) with `snd_pcm_open(…, SND_PCM_STREAM_CAPTURE, 0)` and configured with
/// `snd_pcm_set_params(pcm, S16_LE, RW_INTERLEAVED, channels, rate, 1, latency)` (software
/// resampling allowed, so `default` and `plughw:` accept any rate; `hw:` needs a rate and
/// channel count the hardware has). The capture thread waits for data with `snd_pcm_wait`
/// (250 ms timeout, so ``stop()`` is never stuck behind a silent device) and reads with
/// `snd_pcm_readi` until a chunk is full.
///
/// **Errors.** Overruns (`-EPIPE`) and suspends (`-ESTRPIPE`) are recovered with
/// `snd_pcm_recover` and counted (``Statistics/xruns``, ``Statistics/suspends``); the samples
/// read before an overrun are kept, so the chunk that spans it holds a splice where the lost
/// samples were (the next timestamps show the gap). An error
/// `snd_pcm_recover` cannot handle (device unplugged: `-ENODEV`, `-EIO`…) ends the capture: it is
/// reported once through `onError` with ALSA's `snd_strerror` text and kept in
/// ``Statistics/lastError``.
///
/// **Pacing.** A real device delivers samples in real time and `snd_pcm_readi` blocks until
/// they exist. Some PCMs do not (the `file` plugin over `null` used by tests returns data at
/// once): with ``Configuration/paceToRealTime`` (the default), a chunk is never delivered before
/// its last sample would have been captured by a real-time device — the thread sleeps instead
/// of spinning. The pacing clock is re-anchored whenever a read returns late, so it never holds
/// back a real device whose crystal runs slightly fast.
///
/// **Timestamps.** `captureTime` is the monotonic time (`CLOCK_MONOTONIC`, seconds, the clock of
/// `monotonicSeconds()`) at which the chunk's first sample was captured: the time the read returned
/// minus the chunk's duration and the frames still queued in the device buffer
/// (`snd_pcm_delay`); for a paced chunk, the time its first sample was due.
///
/// The callback runs on the capture thread; the buffer is valid only during the call.
public final class ALSACapture: @unchecked Sendable {
    // @unchecked: `stats`, `stopping` and `thread` are read and written only with `lock` held;
    // `pcm` and `bufferFrames` are set by `start()` before the capture thread exists and then
    // used by that thread alone; `onChunk` and `onError` are called only on the capture thread.
    /// Delivers one chunk: interleaved samples (`frames × channels`), the sample rate, the
    /// channel count and the capture time of the first sample (seconds, monotonic clock).
    public typealias ChunkHandler = (_ samples: UnsafeBufferPointer<Int16>, _ rate: Int, _ channels: Int, _ captureTime: Double) -> Void

    /// What to open and how.
    public struct Configuration: Sendable, Equatable {
        /// The ALSA PCM name.
        public var device: String
        /// Frames per second.
        public var sampleRate: Int
        /// Interleaved channels.
        public var channels: Int
        /// Frames per delivered chunk (default: 20 ms).
        public var chunkFrames: Int
        /// The `latency` argument of `snd_pcm_set_params`: the device buffer in µs. It bounds how
        /// late the thread may be before an overrun; it adds no delay to chunks read on time.
        /// (20 ms as in the reference; under heavy load 60–100 ms avoids overruns.)
        public var bufferMicroseconds: UInt32
        /// Never deliver faster than real time (see the type's documentation).
        public var paceToRealTime: Bool

        public init(device: String = "default", sampleRate: Int = 16_000, channels: Int = 1,
                    chunkFrames: Int? = nil, bufferMicroseconds: UInt32 = 20_000, paceToRealTime: Bool = true) {
            self.device = device
            self.sampleRate = sampleRate
            self.channels = channels
            self.chunkFrames = chunkFrames ?? max(1, sampleRate / 50)
            self.bufferMicroseconds = bufferMicroseconds
            self.paceToRealTime = paceToRealTime
        }
    }

    /// Counters, readable from any thread.
    public struct Statistics: Sendable, Equatable {
        /// Chunks delivered.
        public var chunks: UInt64 = 0
        /// Frames delivered.
        public var frames: UInt64 = 0
        /// Overruns recovered.
        public var xruns: UInt64 = 0
        /// Suspends recovered.
        public var suspends: UInt64 = 0
        /// Waits of 250 ms that brought no data.
        public var timeouts: UInt64 = 0
        /// The error that ended the capture, if any.
        public var lastError: ALSAError?
        /// Whether the capture thread is running.
        public var running = false
    }

    public let configuration: Configuration
    private let onChunk: ChunkHandler
    private let onError: ((ALSAError) -> Void)?
    private let lock = NSLock()
    private var stats = Statistics()
    private var stopping = false
    private var pcm: OpaquePointer?
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    private var bufferFrames: Int = 0

    /// A capture that delivers chunks to `onChunk` and reports a fatal error to `onError`
    /// (both on the capture thread). Nothing is opened before ``start()``.
    public init(configuration: Configuration, onChunk: @escaping ChunkHandler, onError: ((ALSAError) -> Void)? = nil) {
        self.configuration = configuration
        self.onChunk = onChunk
        self.onError = onError
    }

    deinit { stop() }

    /// The counters so far.
    public var statistics: Statistics {
        lock.lock(); defer { lock.unlock() }
        return stats
    }

    /// Opens and configures the device and starts the capture thread.
    /// - Throws: ``ALSAError`` if the device cannot be opened, configured or started (the
    ///   device is closed again); `ALSAError` with operation `start` and `-EBUSY` if already running.
    public func start() throws {
        lock.lock()
        if thread != nil { lock.unlock(); throw ALSAError(device: configuration.device, operation: "start", code: -EBUSY) }
        stopping = false
        stats = Statistics()
        lock.unlock()

        let c = configuration
        guard (1...32).contains(c.channels), c.sampleRate > 0, c.chunkFrames > 0 else {
            throw ALSAError(device: c.device, operation: "configure", code: -EINVAL)
        }
        var handle: OpaquePointer?
        var rc = snd_pcm_open(&handle, c.device, SND_PCM_STREAM_CAPTURE, 0)
        guard rc >= 0, let handle else { throw ALSAError(device: c.device, operation: "snd_pcm_open", code: rc) }
        rc = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED,
                                UInt32(c.channels), UInt32(c.sampleRate), 1, c.bufferMicroseconds)
        if rc < 0 {
            snd_pcm_close(handle)
            throw ALSAError(device: c.device, operation: "snd_pcm_set_params", code: rc)
        }
        var buffer: snd_pcm_uframes_t = 0, period: snd_pcm_uframes_t = 0
        if snd_pcm_get_params(handle, &buffer, &period) >= 0 { bufferFrames = Int(buffer) }
        rc = snd_pcm_start(handle)
        if rc < 0 {
            snd_pcm_close(handle)
            throw ALSAError(device: c.device, operation: "snd_pcm_start", code: rc)
        }
        pcm = handle
        lock.lock(); stats.running = true; lock.unlock()
        let device = PCMHandle(pointer: handle)
        let t = Thread { [self] in
            run(device.pointer)
            snd_pcm_close(device.pointer)
            lock.lock(); stats.running = false; pcm = nil; lock.unlock()
            done.signal()
        }
        t.name = "splatd-alsa-capture"
        lock.lock(); thread = t; lock.unlock()
        t.start()
    }

    /// Stops the capture thread (within ~250 ms), closes the device and waits for both. Safe to
    /// call more than once, and from any thread except the capture thread itself.
    public func stop() {
        lock.lock()
        stopping = true
        let running = thread != nil
        lock.unlock()
        guard running else { return }
        done.wait()
        lock.lock(); thread = nil; lock.unlock()
    }

    private var isStopping: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopping
    }

    // MARK: - Capture thread

    private func run(_ pcm: OpaquePointer) {
        let c = configuration
        let rate = Double(c.sampleRate)
        let chunkFrames = c.chunkFrames
        let samples = UnsafeMutablePointer<Int16>.allocate(capacity: chunkFrames * c.channels)
        defer { samples.deallocate() }
        var anchor = monotonicSeconds()        // pacing: when frame 0 (since the anchor) was due
        var framesSinceAnchor = 0
        var filled = 0

        while !isStopping {
            // Keep the stream running (after a recover it is only prepared).
            if snd_pcm_state(pcm) == SND_PCM_STATE_PREPARED {
                let rc = snd_pcm_start(pcm)
                if rc < 0, !recover(pcm, rc, operation: "snd_pcm_start") { return }
            }
            let waited = snd_pcm_wait(pcm, 250)
            if waited == 0 {
                lock.lock(); stats.timeouts += 1; lock.unlock()
                continue
            }
            if waited < 0 {
                if !recover(pcm, waited, operation: "snd_pcm_wait") { return }
                continue
            }
            let want = chunkFrames - filled
            let got = snd_pcm_readi(pcm, samples + filled * c.channels, snd_pcm_uframes_t(want))
            if got == -Int(EAGAIN) { continue }
            if got < 0 {
                if !recover(pcm, Int32(got), operation: "snd_pcm_readi") { return }
                continue
            }
            filled += got
            guard filled == chunkFrames else { continue }
            filled = 0

            // Timestamp and pacing.
            var now = monotonicSeconds()
            framesSinceAnchor += chunkFrames
            var due = anchor + Double(framesSinceAnchor) / rate
            var captureTime: Double
            if c.paceToRealTime && due - now > 0.002 {
                // Ahead of real time: this PCM is not paced by hardware. Sleep until due.
                Self.sleep(until: due)
                now = monotonicSeconds()
                captureTime = due - Double(chunkFrames) / rate
            } else {
                if now > due {
                    // Late (as every real device read is): re-anchor so no credit builds up.
                    anchor = now - Double(framesSinceAnchor) / rate
                    due = now
                }
                var delay: snd_pcm_sframes_t = 0
                if snd_pcm_delay(pcm, &delay) < 0 || delay < 0 || (bufferFrames > 0 && delay > bufferFrames) { delay = 0 }
                captureTime = now - Double(chunkFrames + delay) / rate
            }
            if framesSinceAnchor > 1 << 40 { anchor = due; framesSinceAnchor = 0 }

            onChunk(UnsafeBufferPointer(start: samples, count: chunkFrames * c.channels), c.sampleRate, c.channels, captureTime)
            lock.lock()
            stats.chunks += 1
            stats.frames += UInt64(chunkFrames)
            lock.unlock()
        }
    }

    /// Recovers from an overrun or suspend; returns false (after reporting) for anything else.
    private func recover(_ pcm: OpaquePointer, _ code: Int32, operation: String) -> Bool {
        if code == -EINTR { return true }
        let rc = snd_pcm_recover(pcm, code, 1)
        if rc >= 0 {
            lock.lock()
            if code == -EPIPE { stats.xruns += 1 } else if code == -ESTRPIPE { stats.suspends += 1 }
            lock.unlock()
            return true
        }
        let error = ALSAError(device: configuration.device, operation: operation, code: code)
        lock.lock(); stats.lastError = error; lock.unlock()
        onError?(error)
        return false
    }

    private static func sleep(until deadline: Double) {
        let seconds = deadline - monotonicSeconds()
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// An open PCM, handed to the capture thread (which is then its only user).
private struct PCMHandle: @unchecked Sendable {
    // @unchecked: an ALSA handle is not thread-safe, but this one moves to the capture thread
    // at start and is used by no other thread until that thread has ended.
    let pointer: OpaquePointer
}
