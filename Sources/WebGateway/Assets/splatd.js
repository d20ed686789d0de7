// splatd.js — the browser side of the splatd web gateway, shared by the app page (/) and the
// embed page (/embed/<stream id>): the token, control requests, the stream player (JPEG, PNG,
// raw and H.264 frames, the Opus voice, lip sync) and the drive and microphone senders.
// Plain ES module, no dependencies. The message formats are those of docs/protocol.md and
// Sources/Protocol/splatd.proto (protobuf's canonical JSON mapping).

// ─── Token and URLs ─────────────────────────────────────────────────────────────────────────

/** The `token` query parameter of the page's own URL, or "" when there is none. */
export function pageToken() {
  return new URLSearchParams(location.search).get('token') || '';
}

/** `path` (absolute, may carry a query) with the page's token appended, when it has one. */
export function withToken(path) {
  const token = pageToken();
  if (!token) return path;
  return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
}

/** The ws:// or wss:// URL of a gateway path, with the token. */
export function wsURL(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + location.host + withToken(path);
}

// ─── Control requests ───────────────────────────────────────────────────────────────────────

/** A request the gateway or the daemon refused; `httpStatus` is 0 for daemon errors (200). */
export class ControlError extends Error {
  constructor(message, { httpStatus = 0, status = '', reply = null } = {}) {
    super(message);
    this.name = 'ControlError';
    this.httpStatus = httpStatus;
    this.status = status;
    this.reply = reply;
  }
  get readOnly() { return this.httpStatus === 403; }
}

/** Sends one `splatd.v1.Request` (protobuf JSON) to POST /api/control and returns the Reply.
 *  Throws a ControlError for an HTTP error (403 read-only, 400, 502 …) or a status other than
 *  STATUS_OK (proto3 JSON leaves STATUS_OK out). */
export async function control(request) {
  let response;
  try {
    response = await fetch(withToken('/api/control'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ControlError(`the gateway did not answer (${e.message})`);
  }
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).trim();
    const what = response.status === 403 ? 'refused (read-only)' : `HTTP ${response.status}`;
    throw new ControlError(text ? `${what}: ${text}` : what, { httpStatus: response.status });
  }
  const reply = await response.json();
  const status = reply.status || 'STATUS_OK';
  if (status !== 'STATUS_OK') {
    throw new ControlError(`${status.replace(/^STATUS_/, '')}: ${reply.error || 'no reason given'}`,
                           { status, reply });
  }
  return reply;
}

/** POST /api/speak/<avatar> with a WAV file (Blob/File); resolves to {seconds}. */
export async function speakWAV(avatarId, blob) {
  const response = await fetch(withToken('/api/speak/' + encodeURIComponent(avatarId)), {
    method: 'POST',
    headers: { 'Content-Type': 'audio/wav' },
    body: blob,
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).trim();
    const what = response.status === 403 ? 'refused (read-only)' : `HTTP ${response.status}`;
    throw new ControlError(text ? `${what}: ${text}` : what, { httpStatus: response.status });
  }
  return response.json();
}

// ─── ARKit ──────────────────────────────────────────────────────────────────────────────────

/** ARKit's canonical order: the order of ArkitValues.weights on the wire (docs/protocol.md). */
export const ARKIT_NAMES = [
  'eyeBlinkLeft', 'eyeLookDownLeft', 'eyeLookInLeft', 'eyeLookOutLeft', 'eyeLookUpLeft',
  'eyeSquintLeft', 'eyeWideLeft', 'eyeBlinkRight', 'eyeLookDownRight', 'eyeLookInRight',
  'eyeLookOutRight', 'eyeLookUpRight', 'eyeSquintRight', 'eyeWideRight', 'jawForward',
  'jawLeft', 'jawRight', 'jawOpen', 'mouthClose', 'mouthFunnel', 'mouthPucker', 'mouthLeft',
  'mouthRight', 'mouthSmileLeft', 'mouthSmileRight', 'mouthFrownLeft', 'mouthFrownRight',
  'mouthDimpleLeft', 'mouthDimpleRight', 'mouthStretchLeft', 'mouthStretchRight',
  'mouthRollLower', 'mouthRollUpper', 'mouthShrugLower', 'mouthShrugUpper', 'mouthPressLeft',
  'mouthPressRight', 'mouthLowerDownLeft', 'mouthLowerDownRight', 'mouthUpperUpLeft',
  'mouthUpperUpRight', 'browDownLeft', 'browDownRight', 'browInnerUp', 'browOuterUpLeft',
  'browOuterUpRight', 'cheekPuff', 'cheekSquintLeft', 'cheekSquintRight', 'noseSneerLeft',
  'noseSneerRight', 'tongueOut',
];

/** Yaw, pitch, roll (radians) → the axis-angle vector of R = Ry(yaw)·Rx(pitch)·Rz(roll), the
 *  `head_rotation` of an ArkitValues (x to the avatar's left, y up, z out of the face; yaw > 0
 *  turns the face to the avatar's left, pitch > 0 tips the nose down, roll > 0 tips the top of
 *  the head to the avatar's right) — as the Python client's axis_angle_from_ypr. */
export function axisAngleFromYPR(yaw, pitch, roll) {
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  const mul = (a, b) => a.map((row, i) => [0, 1, 2].map(j => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]));
  const ry = [[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]];
  const rx = [[1, 0, 0], [0, cp, -sp], [0, sp, cp]];
  const rz = [[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]];
  const m = mul(mul(ry, rx), rz);
  const cosAngle = Math.max(-1, Math.min(1, (m[0][0] + m[1][1] + m[2][2] - 1) / 2));
  const angle = Math.acos(cosAngle);
  if (angle < 1e-9) return { x: 0, y: 0, z: 0 };
  if (Math.PI - angle < 1e-6) {
    const xx = Math.sqrt(Math.max(0, (m[0][0] + 1) / 2));
    const yy = Math.sqrt(Math.max(0, (m[1][1] + 1) / 2));
    const zz = Math.sqrt(Math.max(0, (m[2][2] + 1) / 2));
    let axis;
    if (xx >= yy && xx >= zz) axis = [xx, m[0][1] / (2 * xx), m[0][2] / (2 * xx)];
    else if (yy >= zz) axis = [m[0][1] / (2 * yy), yy, m[1][2] / (2 * yy)];
    else axis = [m[0][2] / (2 * zz), m[1][2] / (2 * zz), zz];
    return { x: axis[0] * angle, y: axis[1] * angle, z: axis[2] * angle };
  }
  const s = angle / (2 * Math.sin(angle));
  return { x: (m[2][1] - m[1][2]) * s, y: (m[0][2] - m[2][0]) * s, z: (m[1][0] - m[0][1]) * s };
}

// ─── Stream messages ────────────────────────────────────────────────────────────────────────

const KIND_VIDEO = 1;
const KIND_AUDIO = 2;
const textDecoder = new TextDecoder();

/** Splits one binary WebSocket message: [kind u8][N u32 BE][N bytes JSON header][payload]. */
export function parseStreamMessage(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 5) throw new Error(`a stream message of ${bytes.length} bytes`);
  const kind = bytes[0];
  const n = new DataView(buffer).getUint32(1, false);
  if (5 + n > bytes.length) throw new Error(`a header of ${n} bytes in a message of ${bytes.length}`);
  const header = JSON.parse(textDecoder.decode(bytes.subarray(5, 5 + n)));
  return { kind, header, payload: bytes.subarray(5 + n) };
}

/** The NAL units of an Annex B access unit: [{type, start, end}] (start after the start code). */
export function annexBUnits(bytes) {
  const units = [];
  let i = 0, start = -1;
  while (i + 2 < bytes.length) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
      if (start >= 0) units.push({ start, end: i > 0 && bytes[i - 1] === 0 ? i - 1 : i });
      i += 3;
      start = i;
    } else {
      i += 1;
    }
  }
  if (start >= 0) units.push({ start, end: bytes.length });
  return units.map(u => ({ ...u, type: bytes[u.start] & 0x1f }));
}

/** The WebCodecs codec string of an H.264 access unit's SPS ("avc1.42C01E"), or null. */
export function avcCodecString(bytes) {
  for (const unit of annexBUnits(bytes)) {
    if (unit.type === 7 && unit.end - unit.start >= 4) {
      const hex = b => b.toString(16).toUpperCase().padStart(2, '0');
      return 'avc1.' + hex(bytes[unit.start + 1]) + hex(bytes[unit.start + 2]) + hex(bytes[unit.start + 3]);
    }
  }
  return null;
}

const CODEC_NAMES = { CODEC_JPEG: 'jpeg', CODEC_PNG: 'png', CODEC_RAW: 'raw', CODEC_H264: 'h264' };

/** "jpeg", "png", "raw" or "h264" for a FrameMeta's codec (absent = CODEC_JPEG, proto3's default). */
export function codecName(codec) {
  return CODEC_NAMES[codec || 'CODEC_JPEG'] || String(codec).toLowerCase();
}

/** A 64-bit protobuf JSON value (a string) or an absent one as a Number. */
const num = v => (v === undefined || v === null ? 0 : Number(v));

// ─── The stream player ──────────────────────────────────────────────────────────────────────

const AUDIO_RECENT_MS = 1500;     // audio counts as present while a packet came this recently
const MIN_JITTER_MS = 100;        // the voice's jitter buffer: video waits as long when audio plays
const MAX_JITTER_MS = 1000;
const OFFSET_WINDOW_MS = 10000;   // the clock offset is the smallest transit over this window
const KEYFRAME_RETRY_MS = 1000;

/**
 * Plays one stream of the gateway (WebSocket /ws/stream/<id>) on a canvas: the canvas takes the
 * frames' size (CSS scales it), frames are drawn as they decode, or — while the avatar speaks —
 * at their frame_time_us plus the voice's jitter buffer, so that the voice (scheduled with
 * WebAudio at its presentation_time_us plus the same delay) agrees with the lips.
 *
 * Events (callbacks in `options`): onEvent(event) for the gateway's {"event": …} messages,
 * onState(text, kind) for connection state ("connecting", "live", "closed", "error", "unsupported").
 */
export class StreamPlayer {
  constructor(canvas, streamId, options = {}) {
    this.canvas = canvas;
    this.context2d = canvas.getContext('2d');
    this.streamId = streamId;
    this.options = options;
    this.muted = !!options.muted;
    this.socket = null;
    this.stopped = true;
    this.backoffMs = 500;
    this.reconnectTimer = 0;
    this.audioContext = null;
    this.resetCounters();
  }

  resetCounters() {
    this.counters = {
      framesReceived: 0, framesDecoded: 0, framesShown: 0, framesDropped: 0, framesMissed: 0,
      framesSkippedForKeyframe: 0, keyframesRequested: 0, decodeErrors: 0,
      audioPacketsReceived: 0, audioPacketsPlayed: 0, audioPacketsLate: 0, audioPacketsMissed: 0,
      bytesReceived: 0, connects: 0, events: 0,
    };
    this.codec = '';
    this.width = 0;
    this.height = 0;
    this.lastFrameSequence = 0;
    this.lastShownSequence = 0;
    this.lastFrameTimeUs = 0;
    this.lastShownFrameTimeUs = 0;
    this.lastDriveState = '';
    this.shownTimes = [];          // performance.now() of the frames shown in the last second
    this.offsets = [];             // [local ms, arrival − daemon ms] samples for the clock offset
    this.lateness = [];            // [local ms, video lateness ms] for the jitter delay
    this.driveLatencies = [];      // drive frame sent → its picture shown, ms
    this.lastDriveShown = 0;
    this.jitterMs = MIN_JITTER_MS;
    this.base = undefined;
    this.syncErrors = [];          // ms each frame shown with the voice was late for it (last 300)
    this.lastAudioAt = -1e9;
    this.lastAudioSequence = 0;
    this.latencyMs = 0;
    this.lastError = '';
    this.state = 'idle';
    this.pending = [];             // decoded frames waiting for their time: {image, seq, showAt, meta}
    this.pendingTimer = 0;
    this.decodesInFlight = 0;
    this.nextImage = null;         // the newest undecoded image frame waiting for a decode slot
    this.h264 = { decoder: null, config: '', waitingForKeyframe: true, requestedAt: 0, metas: new Map() };
    this.audio = { decoder: null, channels: 0, skip: 0, nextStart: 0, sources: new Set() };
  }

  /** Connects (and keeps reconnecting with backoff until stop()). */
  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.closeDecoders();
    this.setState('closed', 'stopped');
  }

  setMuted(muted) {
    this.muted = muted;
    if (muted) this.stopAudio();
  }

  setState(state, detail = '') {
    this.state = state;
    if (this.options.onState) this.options.onState(state, detail);
  }

  connect() {
    if (this.stopped) return;
    const socket = new WebSocket(wsURL('/ws/stream/' + encodeURIComponent(this.streamId)));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.connectedAt = performance.now();
    this.setState('connecting', `connecting to stream ${this.streamId}…`);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.counters.connects += 1;
      this.lastFrameSequence = 0;          // a new WebSocket starts at a keyframe
      this.lastShownSequence = 0;          // (and a reopened stream counts from 1 again)
      this.h264.waitingForKeyframe = true;
      this.offsets = [];
      this.setState('connected', `connected to stream ${this.streamId}`);
    };
    socket.onmessage = message => this.receive(message.data);
    socket.onerror = () => { /* onclose follows */ };
    socket.onclose = close => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      const lasted = performance.now() - this.connectedAt;
      if (opened && lasted > 10000) this.backoffMs = 500;
      const why = close.reason ? `: ${close.reason}` : (opened ? '' : ' (could not connect)');
      this.setState('reconnecting', `stream ${this.streamId} closed (code ${close.code}${why}); retrying in ${(this.backoffMs / 1000).toFixed(1)} s`);
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 1.5, 10000);
    };
  }

  receive(data) {
    if (typeof data === 'string') {
      let message;
      try { message = JSON.parse(data); } catch { return; }
      if (message.event) {
        this.counters.events += 1;
        // The gateway passes on every event of the daemon: only this stream's concern the player.
        const event = message.event;
        if (event.streamClosed === this.streamId) {
          this.setState('closed', `stream ${this.streamId} was closed`);
          this.restart();
        } else if (event.streamOpened && event.streamOpened.streamId === this.streamId) {
          this.restart();
        }
        if (event.error !== undefined) this.lastError = event.error;
        if (this.options.onEvent) this.options.onEvent(message.event);
      } else if (message.error) {
        this.lastError = String(message.error);
        this.setState('error', this.lastError);
      }
      return;
    }
    let parsed;
    try { parsed = parseStreamMessage(data); } catch (e) { this.lastError = e.message; return; }
    this.counters.bytesReceived += data.byteLength;
    if (parsed.kind === KIND_VIDEO) this.receiveFrame(parsed.header, parsed.payload);
    else if (parsed.kind === KIND_AUDIO) this.receiveAudio(parsed.header, parsed.payload);
  }

  // ── Clock: daemon wall clock → performance.now() ──

  /** Notes an arrival (local ms) of something due at daemon time `daemonUs`. */
  noteTransit(daemonUs, now) {
    const sample = now - daemonUs / 1000;
    this.offsets.push([now, sample]);
    while (this.offsets.length && now - this.offsets[0][0] > OFFSET_WINDOW_MS) this.offsets.shift();
    if (this.offsets.length > 600) this.offsets.splice(0, this.offsets.length - 600);
  }

  /** local = daemon + offset: the smallest transit seen over the window (network + queueing
   *  only add to it). */
  offsetMs() {
    let best = Infinity;
    for (const [, value] of this.offsets) best = Math.min(best, value);
    return best;
  }

  audioPresent(now = performance.now()) {
    return !this.muted && now - this.lastAudioAt < AUDIO_RECENT_MS;
  }

  // ── Video ──

  receiveFrame(meta, payload) {
    const now = performance.now();
    const c = this.counters;
    c.framesReceived += 1;
    const seq = num(meta.frameSequence);
    if (seq < this.lastFrameSequence) this.restart();   // the stream was opened anew: it counts from 1
    if (this.lastFrameSequence && seq > this.lastFrameSequence + 1) c.framesMissed += seq - this.lastFrameSequence - 1;
    const gap = this.lastFrameSequence && seq !== this.lastFrameSequence + 1;
    this.lastFrameSequence = seq;
    this.lastFrameTimeUs = num(meta.frameTimeUs);
    this.lastDriveState = meta.driveState || 'DRIVE_STATE_IDLE';
    this.codec = codecName(meta.codec);
    this.latencyMs = Date.now() - this.lastFrameTimeUs / 1000;   // meaningful on one host
    if (this.lastFrameTimeUs) {
      this.noteTransit(this.lastFrameTimeUs, now);
      const late = now - (this.lastFrameTimeUs / 1000 + this.offsetMs());
      this.lateness.push([now, late]);
      while (this.lateness.length && now - this.lateness[0][0] > 3000) this.lateness.shift();
    }
    if (this.codec === 'h264') {
      this.receiveH264(meta, payload, gap, now);
    } else {
      if (this.h264.decoder) this.closeH264();
      this.receiveImage(meta, payload);
    }
  }

  /** The stream starts over (closed and opened again under its id): sequences restart at 1
   *  and H.264 needs a keyframe. */
  restart() {
    this.lastFrameSequence = 0;
    this.lastShownSequence = 0;
    this.h264.waitingForKeyframe = true;
    for (const item of this.pending) close(item.image);
    this.pending = [];
  }

  receiveImage(meta, payload) {
    // Keep at most two decodes running; a newer frame replaces one still waiting.
    if (this.nextImage) this.counters.framesDropped += 1;
    this.nextImage = { meta, payload };
    this.pumpImages();
  }

  pumpImages() {
    while (this.decodesInFlight < 2 && this.nextImage) {
      const { meta, payload } = this.nextImage;
      this.nextImage = null;
      this.decodesInFlight += 1;
      this.decodeImage(meta, payload)
        .then(image => this.decoded(image, meta))
        .catch(e => { this.counters.decodeErrors += 1; this.lastError = `decode: ${e.message || e}`; })
        .finally(() => { this.decodesInFlight -= 1; this.pumpImages(); });
    }
  }

  async decodeImage(meta, payload) {
    const codec = codecName(meta.codec);
    if (codec === 'raw') {
      const w = meta.width, h = meta.height;
      if (payload.length < w * h * 3) throw new Error(`raw frame of ${payload.length} bytes for ${w}×${h}`);
      const rgba = new Uint8ClampedArray(w * h * 4);
      for (let i = 0, j = 0; i < w * h * 3; i += 3, j += 4) {
        rgba[j] = payload[i]; rgba[j + 1] = payload[i + 1]; rgba[j + 2] = payload[i + 2]; rgba[j + 3] = 255;
      }
      return createImageBitmap(new ImageData(rgba, w, h));
    }
    const type = codec === 'png' ? 'image/png' : 'image/jpeg';
    return createImageBitmap(new Blob([payload], { type }));
  }

  receiveH264(meta, payload, gap, now) {
    const h = this.h264;
    if (typeof window.VideoDecoder !== 'function') {
      this.setState('unsupported', 'This browser cannot play H.264 streams: it has no WebCodecs VideoDecoder (use Chrome, Edge, a recent Firefox or Safari, OBS ≥ 30 — or switch the stream to JPEG).');
      return;
    }
    const key = !!meta.keyframe;
    if (gap && !key) h.waitingForKeyframe = true;
    if (h.decoder && h.decoder.decodeQueueSize > 8 && !key) {
      // The decoder falls behind: drop until a keyframe rather than show old pictures.
      h.waitingForKeyframe = true;
    }
    if (h.waitingForKeyframe && !key) {
      this.counters.framesSkippedForKeyframe += 1;
      if (now - h.requestedAt > KEYFRAME_RETRY_MS) this.requestKeyframe(now);
      return;
    }
    if (key) {
      const config = avcCodecString(payload) || 'avc1.42C01E';
      if (!h.decoder || h.decoder.state === 'closed' || h.config !== config + meta.width + 'x' + meta.height) {
        this.openH264(config, meta);
        if (!h.decoder) return;
      }
      h.waitingForKeyframe = false;
    }
    const timestamp = num(meta.frameTimeUs) || seqTimestamp(num(meta.frameSequence));
    h.metas.set(timestamp, meta);
    if (h.metas.size > 64) h.metas.delete(h.metas.keys().next().value);
    try {
      h.decoder.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp, data: payload }));
    } catch (e) {
      this.h264Failed(e);
    }
  }

  openH264(codec, meta) {
    const h = this.h264;
    this.closeH264();
    const config = { codec, optimizeForLatency: true, codedWidth: meta.width, codedHeight: meta.height };
    try {
      h.decoder = new VideoDecoder({
        output: frame => {
          const m = h.metas.get(frame.timestamp) || meta;
          h.metas.delete(frame.timestamp);
          this.decoded(frame, m);
        },
        error: e => this.h264Failed(e),
      });
      h.decoder.configure(config);
      h.config = codec + meta.width + 'x' + meta.height;
      VideoDecoder.isConfigSupported(config).then(result => {
        if (!result.supported) {
          this.setState('unsupported', `This browser's WebCodecs cannot decode H.264 (${codec}); switch the stream to JPEG.`);
        }
      }).catch(() => {});
    } catch (e) {
      h.decoder = null;
      this.setState('unsupported', `This browser cannot decode H.264 (${codec}): ${e.message}`);
    }
  }

  h264Failed(e) {
    this.counters.decodeErrors += 1;
    this.lastError = `H.264 decoder: ${e.message || e}`;
    this.closeH264();
    this.h264.waitingForKeyframe = true;
    this.requestKeyframe(performance.now());
  }

  closeH264() {
    const h = this.h264;
    if (h.decoder && h.decoder.state !== 'closed') {
      try { h.decoder.close(); } catch { /* already closed */ }
    }
    h.decoder = null;
    h.config = '';
    h.metas.clear();
  }

  requestKeyframe(now) {
    this.h264.requestedAt = now;
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ requestKeyframe: true }));
      this.counters.keyframesRequested += 1;
    }
  }

  /** A decoded frame (ImageBitmap or VideoFrame): shown now, or at its time while audio plays. */
  decoded(image, meta) {
    const seq = num(meta.frameSequence);
    if (this.stopped || seq < this.lastShownSequence) {
      // After stop, or out of order (an image decode that finished after a newer one).
      this.counters.framesDropped += 1;
      close(image);
      return;
    }
    this.counters.framesDecoded += 1;
    const now = performance.now();
    let showAt = now;
    if (this.audioPresent(now) && num(meta.frameTimeUs)) {
      showAt = num(meta.frameTimeUs) / 1000 + this.playbackBase(now);
    }
    this.pending.push({ image, seq, showAt, meta, synced: showAt !== now });
    this.showDue();
  }

  /** The voice's jitter buffer: at least MIN_JITTER_MS, and enough for the video's lateness
   *  (render + encode + transit) so that frames are not late for their voice. Grows at once,
   *  shrinks slowly. */
  updateJitter(now) {
    const values = this.lateness.filter(([t]) => now - t < 2000).map(([, v]) => v).sort((a, b) => a - b);
    const p90 = values.length ? values[Math.floor(values.length * 0.9)] : 0;
    const want = Math.min(MAX_JITTER_MS, Math.max(MIN_JITTER_MS, p90 + 20));
    this.jitterMs = want > this.jitterMs ? want : this.jitterMs + (want - this.jitterMs) * 0.02;
  }

  /** local ms = daemon ms + base, for the voice and for the frames while the voice plays: the
   *  clock offset plus the jitter buffer. While sound is scheduled the base only grows (a frame
   *  or packet came later than the buffer allows), so that packets stay contiguous and frames
   *  keep to them; between utterances it follows the offset and the jitter freely. */
  playbackBase(now) {
    this.updateJitter(now);
    const candidate = this.offsetMs() + this.jitterMs;
    const context = this.audioContext;
    const playing = context && this.audio.nextStart > context.currentTime;
    if (this.base === undefined || !playing || candidate > this.base + 1) this.base = candidate;
    return this.base;
  }

  showDue() {
    clearTimeout(this.pendingTimer);
    const now = performance.now();
    let due = null;
    const keep = [];
    for (const item of this.pending) {
      if (item.showAt <= now + 4) {
        if (due) { this.counters.framesDropped += 1; close(due.image); }
        due = item;
      } else {
        keep.push(item);
      }
    }
    this.pending = keep;
    if (due) this.draw(due);
    if (this.pending.length) {
      const next = Math.min(...this.pending.map(p => p.showAt));
      this.pendingTimer = setTimeout(() => this.showDue(), Math.max(0, next - performance.now()));
    }
  }

  draw({ image, seq, meta, showAt, synced }) {
    const w = image.displayWidth || image.width || meta.width;
    const h = image.displayHeight || image.height || meta.height;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      if (this.options.onResize) this.options.onResize(w, h);
    }
    this.context2d.clearRect(0, 0, w, h);
    this.context2d.drawImage(image, 0, 0, w, h);
    close(image);
    this.width = w;
    this.height = h;
    this.lastShownSequence = seq;
    this.lastShownFrameTimeUs = num(meta.frameTimeUs);
    const now = performance.now();
    // With the voice: how late the frame is for its sound (what lip sync loses on this side).
    this.syncErrorMs = synced ? now - showAt : null;
    if (synced) {
      this.syncErrors.push(this.syncErrorMs);
      if (this.syncErrors.length > 300) this.syncErrors.shift();
    }
    // Drive → picture: for the first frame showing a new live drive frame, the time from its
    // sender (the page's sliders, a tracker) to now, on the wall clocks (one host, or synced ones).
    const driveSequence = num(meta.driveSequence);
    if (driveSequence && driveSequence !== this.lastDriveShown && (meta.driveState || 'DRIVE_STATE_IDLE') === 'DRIVE_STATE_LIVE'
        && num(meta.driveSenderTimeUs)) {
      this.driveLatencies.push(Date.now() - num(meta.driveSenderTimeUs) / 1000);
      if (this.driveLatencies.length > 1000) this.driveLatencies.shift();
    }
    this.lastDriveShown = driveSequence;
    this.counters.framesShown += 1;
    this.shownTimes.push(now);
    while (this.shownTimes.length && now - this.shownTimes[0] > 1000) this.shownTimes.shift();
    if (this.state !== 'live') this.setState('live', `playing stream ${this.streamId}`);
    this.backoffMs = 500;
  }

  // ── Audio ──

  ensureAudioContext() {
    if (this.audioContext) return this.audioContext;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    try {
      this.audioContext = new Context({ sampleRate: 48000, latencyHint: 'interactive' });
    } catch {
      this.audioContext = new Context();
    }
    if (this.audioContext.state === 'suspended') {
      // Autoplay policy: the first click or key on the page lets the sound out.
      const resume = () => this.audioContext && this.audioContext.resume();
      window.addEventListener('pointerdown', resume, { once: true });
      window.addEventListener('keydown', resume, { once: true });
      this.audioContext.resume().catch(() => {});
    }
    return this.audioContext;
  }

  receiveAudio(meta, payload) {
    const now = performance.now();
    const a = this.audio;
    this.counters.audioPacketsReceived += 1;
    const seq = num(meta.packetSequence);
    if (this.lastAudioSequence && seq > this.lastAudioSequence + 1) this.counters.audioPacketsMissed += seq - this.lastAudioSequence - 1;
    this.lastAudioSequence = seq;
    const presentationUs = num(meta.presentationTimeUs);
    if (presentationUs) this.noteTransit(presentationUs, now);
    this.lastAudioAt = now;
    if (this.muted || typeof window.AudioDecoder !== 'function') return;
    const context = this.ensureAudioContext();
    if (!context) return;
    const channels = meta.channels || 1;
    if (meta.utteranceStart || !a.decoder || a.decoder.state === 'closed' || a.channels !== channels) {
      // Each utterance is a new Opus stream.
      this.closeAudioDecoder();
      a.channels = channels;
      a.skip = meta.utteranceStart ? (meta.preSkip || 0) : 0;
      try {
        a.decoder = new AudioDecoder({
          output: data => this.playAudio(data),
          error: e => { this.lastError = `Opus decoder: ${e.message || e}`; this.closeAudioDecoder(); },
        });
        a.decoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: channels });
      } catch (e) {
        this.lastError = `Opus decoder: ${e.message || e}`;
        a.decoder = null;
        return;
      }
    }
    try {
      a.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: presentationUs, data: payload }));
    } catch (e) {
      this.lastError = `Opus decoder: ${e.message || e}`;
      this.closeAudioDecoder();
    }
  }

  playAudio(data) {
    const a = this.audio;
    const context = this.audioContext;
    try {
      if (!context || this.muted) return;
      let frames = data.numberOfFrames;
      let from = 0;
      if (a.skip > 0) {
        from = Math.min(frames, a.skip);
        a.skip -= from;
      }
      frames -= from;
      if (frames <= 0) return;
      const channels = data.numberOfChannels;
      const buffer = context.createBuffer(channels, frames, data.sampleRate);
      for (let ch = 0; ch < channels; ch++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: ch, format: 'f32-planar' });
        buffer.copyToChannel(from ? plane.subarray(from) : plane, ch);
      }
      // Daemon time → local ms → the context's clock.
      // Daemon time → local ms → the context's clock. The priming samples (pre-skip) of an
      // utterance's first packet are dropped: its sound starts `from` samples after its time.
      const now = performance.now();
      const dueLocal = data.timestamp / 1000 + from / 48 + this.playbackBase(now);
      const outputLatency = (context.outputLatency || context.baseLatency || 0);
      let when = context.currentTime + (dueLocal - now) / 1000 - outputLatency;
      // Packets of one utterance follow each other without clicks (rounding of the clocks).
      if (Math.abs(when - a.nextStart) < 0.004) when = a.nextStart;
      if (when < context.currentTime) {
        this.counters.audioPacketsLate += 1;
        if (context.currentTime - when > 0.2) return;   // far too late: drop it
        when = context.currentTime;
      }
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      source.start(when);
      a.nextStart = when + buffer.duration;
      a.sources.add(source);
      source.onended = () => a.sources.delete(source);
      this.counters.audioPacketsPlayed += 1;
    } catch (e) {
      this.lastError = `audio: ${e.message || e}`;
    } finally {
      data.close();
    }
  }

  closeAudioDecoder() {
    const a = this.audio;
    if (a.decoder && a.decoder.state !== 'closed') {
      try { a.decoder.close(); } catch { /* closed */ }
    }
    a.decoder = null;
  }

  stopAudio() {
    this.closeAudioDecoder();
    for (const source of this.audio.sources) {
      try { source.stop(); } catch { /* not started */ }
    }
    this.audio.sources.clear();
  }

  closeDecoders() {
    this.closeH264();
    this.stopAudio();
    for (const item of this.pending) close(item.image);
    this.pending = [];
  }

  /** What the player has done so far (window.splatdStats() returns this). */
  stats() {
    const now = performance.now();
    while (this.shownTimes.length && now - this.shownTimes[0] > 1000) this.shownTimes.shift();
    return {
      streamId: this.streamId,
      state: this.state,
      codec: this.codec,
      width: this.width,
      height: this.height,
      lastFrameSequence: this.lastFrameSequence,
      lastShownSequence: this.lastShownSequence,
      lastFrameTimeUs: this.lastFrameTimeUs,
      lastShownFrameTimeUs: this.lastShownFrameTimeUs,
      driveState: this.lastDriveState,
      fps: this.shownTimes.length,
      latencyMs: Math.round(this.latencyMs),
      audioActive: this.audioPresent(now),
      jitterMs: Math.round(this.jitterMs),
      syncErrorMs: this.syncErrorMs === null || this.syncErrorMs === undefined ? null : Math.round(this.syncErrorMs),
      syncErrorP90Ms: percentile(this.syncErrors.map(Math.abs), 0.9),
      syncedFrames: this.syncErrors.length,
      driveLatencyP50Ms: percentile(this.driveLatencies, 0.5),
      driveLatencyP99Ms: percentile(this.driveLatencies, 0.99),
      driveLatencySamples: this.driveLatencies.length,
      clockOffsetMs: this.offsets.length ? Math.round(this.offsetMs()) : null,
      audioContextState: this.audioContext ? this.audioContext.state : 'none',
      webCodecs: typeof window.VideoDecoder === 'function',
      lastError: this.lastError,
      ...this.counters,
    };
  }
}

function percentile(values, q) {
  if (!values.length) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]);
}

function close(image) {
  if (image && typeof image.close === 'function') image.close();
}

function seqTimestamp(seq) { return seq * 1000; }

// ─── Drive sender ───────────────────────────────────────────────────────────────────────────

const DRIVE_INTERVAL_MS = 1000 / 30;
const DRIVE_KEEPALIVE_MS = 200;    // below the daemon's 0.5 s hold, so a still pose stays put

/**
 * Sends the face of one avatar over WebSocket /ws/drive/<avatar>: call set() whenever a value
 * changes; frames go out at up to 30 Hz while something changes, and every 200 ms while
 * `hold` is on (the daemon eases a face back to neutral 0.5 s after its drive stops).
 */
export class DriveSender {
  constructor(avatarId, options = {}) {
    this.avatarId = avatarId;
    this.options = options;
    this.weights = new Array(52).fill(0);
    this.yawPitchRoll = [0, 0, 0];   // radians
    this.hold = options.hold !== false;
    this.active = false;             // something was set since the last reset
    this.dirty = false;
    this.lastSent = 0;
    this.framesSent = 0;
    this.socket = null;
    this.closed = false;
    this.backoffMs = 500;
    this.timer = setInterval(() => this.tick(), DRIVE_INTERVAL_MS);
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const socket = new WebSocket(wsURL('/ws/drive/' + encodeURIComponent(this.avatarId)));
    this.socket = socket;
    socket.onopen = () => { this.backoffMs = 500; this.dirty = this.active; this.report('open', ''); };
    socket.onmessage = m => {
      if (typeof m.data === 'string') {
        try { const msg = JSON.parse(m.data); if (msg.error) this.report('error', String(msg.error)); } catch { /* ignore */ }
      }
    };
    let opened = false;
    socket.addEventListener('open', () => { opened = true; this.failures = 0; });
    socket.onclose = close => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      if (!opened) this.failures = (this.failures || 0) + 1;
      if (this.failures >= 2) {
        // The browser does not say why a handshake failed: a read-only gateway, an unknown
        // avatar, a wrong token or a gateway that is down all look the same from here.
        this.report('refused', `the gateway refused the drive connection (read-only, or no such avatar?); retrying in ${(this.backoffMs / 1000).toFixed(0)} s`);
        setTimeout(() => this.connect(), this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, 30000);
        return;
      }
      if (close.code === 1008) {
        this.report('refused', close.reason || 'the gateway is read-only: driving is refused');
        return;   // read-only: no point retrying
      }
      this.report('closed', `drive connection closed (${close.code}${close.reason ? ': ' + close.reason : ''}); retrying`);
      setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 1.5, 10000);
    };
  }

  report(state, text) {
    if (this.options.onState) this.options.onState(state, text);
  }

  setWeight(name, value) {
    const i = ARKIT_NAMES.indexOf(name);
    if (i < 0) throw new Error(`not an ARKit name: ${name}`);
    this.weights[i] = value;
    this.changed();
  }

  /** Head angles in radians. */
  setHead(yaw, pitch, roll) {
    this.yawPitchRoll = [yaw, pitch, roll];
    this.changed();
  }

  changed() {
    this.active = true;
    this.dirty = true;
  }

  reset() {
    this.weights.fill(0);
    this.yawPitchRoll = [0, 0, 0];
    this.dirty = true;
    this.active = false;
  }

  frame() {
    const [yaw, pitch, roll] = this.yawPitchRoll;
    return { arkit: { weights: this.weights.slice(), headRotation: axisAngleFromYPR(yaw, pitch, roll) } };
  }

  tick() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    const keepalive = this.hold && this.active && now - this.lastSent >= DRIVE_KEEPALIVE_MS;
    if (!this.dirty && !keepalive) return;
    if (socket.bufferedAmount > 64 * 1024) return;   // a stalled connection: do not pile up
    socket.send(JSON.stringify(this.frame()));
    this.dirty = false;
    this.lastSent = now;
    this.framesSent += 1;
  }

  close() {
    this.closed = true;
    clearInterval(this.timer);
    if (this.socket) { this.socket.onclose = null; this.socket.close(); this.socket = null; }
  }
}

// ─── Microphone sender ──────────────────────────────────────────────────────────────────────

/**
 * Captures the microphone (getUserMedia → an AudioWorklet that makes 20 ms chunks of 16-bit
 * PCM) and sends it over WebSocket /ws/audio/<avatar>?rate=R, R being the AudioContext's rate
 * (48 kHz asked for). stop() sends {"end": true} and closes.
 */
export class MicrophoneSender {
  constructor(avatarId, options = {}) {
    this.avatarId = avatarId;
    this.options = options;
    this.chunksSent = 0;
    this.level = 0;
  }

  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error('this page cannot use a microphone (getUserMedia needs https:// or localhost)');
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    try {
      this.context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    } catch {
      this.context = new AudioContext();
    }
    const rate = this.context.sampleRate;
    const moduleURL = new URL('mic-worklet.js', import.meta.url);
    moduleURL.search = new URL(import.meta.url).search;
    await this.context.audioWorklet.addModule(moduleURL.href);
    const socket = new WebSocket(wsURL(`/ws/audio/${encodeURIComponent(this.avatarId)}?rate=${Math.round(rate)}`));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onclose = close => reject(new Error(close.code === 1008
        ? `refused: ${close.reason || 'the gateway is read-only'}`
        : `the audio connection closed (${close.code}${close.reason ? ': ' + close.reason : ''})`));
    });
    socket.onclose = close => {
      if (this.context && this.options.onState) {
        this.options.onState('closed', close.code === 1008 ? `refused: ${close.reason || 'read-only'}`
          : `the audio connection closed (${close.code})`);
      }
      this.release();
    };
    this.source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'splatd-pcm16', {
      numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit',
      processorOptions: { chunkFrames: Math.round(rate / 50) },
    });
    this.node.port.onmessage = message => {
      const { pcm, level } = message.data;
      this.level = level;
      if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount < 256 * 1024) {
        socket.send(pcm);
        this.chunksSent += 1;
      }
    };
    this.source.connect(this.node);
    if (this.context.state === 'suspended') await this.context.resume();
    this.rate = rate;
    return rate;
  }

  stop() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ end: true }));
      const socket = this.socket;
      setTimeout(() => socket.close(1000), 200);
    }
    this.release();
  }

  release() {
    if (this.node) { this.node.port.onmessage = null; this.node.disconnect(); this.node = null; }
    if (this.source) { this.source.disconnect(); this.source = null; }
    if (this.stream) { for (const track of this.stream.getTracks()) track.stop(); this.stream = null; }
    if (this.context) { this.context.close().catch(() => {}); this.context = null; }
  }
}
