import ArgumentParser
import Foundation
import SplatCore
import SplatIO
import SplatProtocol
import ZeroMQ

/// `splatctl speak AVATAR FILE.wav`: streams a WAV file to an avatar's speech input in real
/// time, so a viewer sees the avatar speak it.
struct SpeakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speak",
        abstract: "Stream a WAV file (16-bit PCM, 8–48 kHz, mono or stereo) to an avatar's speech input.",
        discussion: """
            Sends AudioChunk messages over a PUSH socket to the daemon's audio endpoint, paced in \
            real time (20 ms chunks), the last one marked end_of_stream. The daemon turns the \
            speech into visemes and moves the avatar's mouth. Example: \
            `espeak-ng -w hello.wav "Hello there" && splatctl speak demo hello.wav`.
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The avatar that speaks (see `splatctl list`).", valueName: "avatar"))
    var avatar: String

    @Argument(help: ArgumentHelp("A WAV file (PCM s16le).", valueName: "file.wav"))
    var file: String

    @Option(help: ArgumentHelp("Milliseconds of audio per chunk.", valueName: "ms"))
    var chunkMs: Int = 20

    @Flag(help: "Repeat the file until interrupted.")
    var loop = false

    func validate() throws {
        guard (5...1000).contains(chunkMs) else { throw ValidationError("--chunk-ms must be 5…1000") }
        guard Identifier.isValid(avatar) else { throw ValidationError("\(Identifier.quoted(avatar)) is not a valid avatar id") }
    }

    func run() throws {
        let wav: WAVFile
        do { wav = try WAVFile(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw ValidationError("\(error)")
        }
        try ControlClient.requireAvatar(avatar, control: global.control, timeout: global.timeout, for: "speak")
        let context = try ZMQContext()
        let push = try context.socket(.push)
        try ClientSecurity.secure(push)
        try push.set(.linger, .milliseconds(2000))
        try push.set(.sendTimeout, .seconds(5))
        try push.connect(global.audio)
        let framesPerChunk = max(1, wav.sampleRate * chunkMs / 1000)
        print("speaking \(file) (\(String(format: "%.1f", wav.duration)) s, \(wav.sampleRate) Hz, \(wav.channels) ch) as \(avatar) → \(global.audio)")
        var sequence: UInt64 = 0
        let start = monotonicSeconds()
        var sentSeconds = 0.0
        repeat {
            var frame = 0
            while frame < wav.frameCount {
                let end = min(wav.frameCount, frame + framesPerChunk)
                let samples = wav.samples[(frame * wav.channels)..<(end * wav.channels)]
                sequence += 1
                let last = end == wav.frameCount && !loop
                let chunk = Splatd_V1_AudioChunk.with {
                    $0.avatarID = avatar
                    $0.sequence = sequence
                    $0.senderTimeUs = wallClockMicroseconds()
                    $0.sampleRate = UInt32(wav.sampleRate)
                    $0.channels = UInt32(wav.channels)
                    $0.samplesS16Le = samples.withUnsafeBufferPointer { Data(buffer: $0) }
                    $0.endOfStream = last
                }
                guard try push.send(chunk.wireBytes()) else {
                    throw SplatctlError.transport("the daemon at \(global.audio) is not taking audio (is splatd running, and is that its audio endpoint?)")
                }
                sentSeconds += Double(end - frame) / Double(wav.sampleRate)
                frame = end
                // Real-time pacing: the chunk just sent covers audio up to `sentSeconds`.
                let ahead = start + sentSeconds - monotonicSeconds()
                if ahead > 0 { Thread.sleep(forTimeInterval: ahead) }
            }
        } while loop
        print("sent \(sequence) chunks (\(String(format: "%.1f", sentSeconds)) s of audio)")
        push.close()
    }
}
