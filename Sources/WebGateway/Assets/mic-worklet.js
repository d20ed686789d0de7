// mic-worklet.js — an AudioWorklet processor for the app page's microphone button: the first
// input channel, as signed 16-bit little-endian PCM in chunks of `chunkFrames` frames (20 ms at
// the context's rate), posted to the main thread with the chunk's RMS level (0…1).
class PCM16Chunker extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const frames = (options.processorOptions && options.processorOptions.chunkFrames) || 960;
    this.chunk = new Int16Array(frames);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const samples = input[0];
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      this.sumSquares += s * s;
      this.chunk[this.filled++] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
      if (this.filled === this.chunk.length) {
        // Int16Array is little-endian on every platform browsers run on; make it explicit anyway.
        const bytes = new ArrayBuffer(this.chunk.length * 2);
        const view = new DataView(bytes);
        for (let j = 0; j < this.chunk.length; j++) view.setInt16(j * 2, this.chunk[j], true);
        const level = Math.sqrt(this.sumSquares / this.chunk.length);
        this.port.postMessage({ pcm: bytes, level }, [bytes]);
        this.filled = 0;
        this.sumSquares = 0;
      }
    }
    return true;
  }
}

registerProcessor('splatd-pcm16', PCM16Chunker);
