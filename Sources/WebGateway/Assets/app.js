// app.js — the gateway's app page (/): pick an avatar and a stream, watch it, drive the face
// (52 ARKit sliders, head yaw/pitch/roll, dragging on the picture), speak (microphone or a WAV
// file), load/unload avatars, change the stream's settings, and follow the daemon's status.
const query = new URL(import.meta.url).search;
const S = await import('./splatd.js' + query);
const { control, ControlError, StreamPlayer, DriveSender, MicrophoneSender, speakWAV, withToken } = S;

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ─── Messages ───────────────────────────────────────────────────────────────────────────────

function say(element, text, kind = 'info') {
  const node = typeof element === 'string' ? $(element) : element;
  node.textContent = text;
  node.dataset.kind = kind;
}

function sayError(element, error) {
  say(element, error instanceof ControlError ? error.message : `error: ${error.message || error}`,
      error instanceof ControlError && error.readOnly ? 'refused' : 'error');
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

// ─── Avatars and streams ────────────────────────────────────────────────────────────────────

let avatars = [];
let streams = [];
let selectedAvatar = params.get('avatar') || '';
let selectedStream = params.get('stream') || '';

async function refreshLists() {
  try {
    const [a, s] = await Promise.all([control({ listAvatars: {} }), control({ listStreams: {} })]);
    avatars = (a.avatars && a.avatars.avatars) || [];
    streams = (s.streams && s.streams.streams) || [];
    notice('');
  } catch (e) {
    notice(`Could not list avatars and streams: ${e.message}`);
    return;
  }
  if (!streams.some(st => st.streamId === selectedStream)) {
    selectedStream = (streams.find(st => st.streamId === 'default') || streams[0] || {}).streamId || '';
  }
  if (!avatars.some(av => av.avatarId === selectedAvatar)) {
    const stream = streams.find(st => st.streamId === selectedStream);
    selectedAvatar = (stream && stream.avatarId) || (avatars[0] || {}).avatarId || '';
  }
  fillSelect($('avatar-select'), avatars.map(av => [av.avatarId, `${av.avatarId} (${kindName(av.kind)})`]), selectedAvatar);
  fillSelect($('stream-select'), streams.map(st => [st.streamId, `${st.streamId} — ${st.avatarId}, ${st.width || 512}×${st.height || 512} ${S.codecName(st.codec)}`]), selectedStream);
  selectAvatar(selectedAvatar);
  selectStream(selectedStream);
}

function kindName(kind) {
  return ({ AVATAR_KIND_DEMO: 'demo', AVATAR_KIND_GAUSSIAN_AVATARS: 'GaussianAvatars', AVATAR_KIND_STATIC: 'static' })[kind] || 'unknown';
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map(([v, text]) => new Option(text, v, false, v === value)));
  if (!options.length) select.append(new Option('(none)', '', true, true));
  select.value = value;
}

$('avatar-select').addEventListener('change', e => selectAvatar(e.target.value));
$('stream-select').addEventListener('change', e => {
  selectStream(e.target.value);
  const stream = streams.find(st => st.streamId === e.target.value);
  if (stream && stream.avatarId !== selectedAvatar) {
    $('avatar-select').value = stream.avatarId;
    selectAvatar(stream.avatarId);
  }
});
$('refresh').addEventListener('click', refreshLists);

// ─── The player ─────────────────────────────────────────────────────────────────────────────

let player = null;
const canvas = $('view');

function selectStream(streamId) {
  const stream = streams.find(st => st.streamId === streamId);
  if (stream) fillStreamForm(stream);
  $('embed-link').href = withToken('/embed/' + encodeURIComponent(streamId || 'default'));
  if (player && player.streamId === streamId) return;
  selectedStream = streamId;
  if (player) player.stop();
  player = null;
  window.splatdPlayer = null;
  if (!streamId) { playerMessage('No stream: open one in Stream settings.'); return; }
  player = new StreamPlayer(canvas, streamId, {
    muted: $('muted').checked,
    onState(state, detail) {
      $('connection').textContent = state;
      $('connection').dataset.state = state;
      playerMessage(state === 'live' || state === 'connected' ? '' : detail);
    },
    onEvent(event) {
      if (event.streamClosed !== undefined || event.streamOpened || event.streamUpdated ||
          event.avatarLoaded || event.avatarUnloaded !== undefined) {
        scheduleRefresh();
      }
      if (event.error) notice(`daemon: ${event.error}`);
    },
  }).start();
  window.splatdPlayer = player;
}

function playerMessage(text) {
  const m = $('player-message');
  m.textContent = text || '';
  m.hidden = !text;
}

let refreshTimer = 0;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshLists, 300);
}

window.splatdStats = () => (player ? player.stats() : null);
$('muted').addEventListener('change', e => player && player.setMuted(e.target.checked));

// ─── Driving the face ───────────────────────────────────────────────────────────────────────

const GROUPS = [
  ['Main', ['jawOpen', 'mouthSmileLeft', 'mouthSmileRight', 'eyeBlinkLeft', 'eyeBlinkRight', 'browInnerUp'], true],
  ['Eyes', ['eyeLookUpLeft', 'eyeLookUpRight', 'eyeLookDownLeft', 'eyeLookDownRight', 'eyeLookInLeft',
            'eyeLookInRight', 'eyeLookOutLeft', 'eyeLookOutRight', 'eyeSquintLeft', 'eyeSquintRight',
            'eyeWideLeft', 'eyeWideRight']],
  ['Brows', ['browDownLeft', 'browDownRight', 'browOuterUpLeft', 'browOuterUpRight']],
  ['Jaw', ['jawForward', 'jawLeft', 'jawRight', 'mouthClose']],
  ['Mouth', ['mouthFunnel', 'mouthPucker', 'mouthLeft', 'mouthRight', 'mouthFrownLeft', 'mouthFrownRight',
             'mouthDimpleLeft', 'mouthDimpleRight', 'mouthStretchLeft', 'mouthStretchRight', 'mouthRollLower',
             'mouthRollUpper', 'mouthShrugLower', 'mouthShrugUpper', 'mouthPressLeft', 'mouthPressRight',
             'mouthLowerDownLeft', 'mouthLowerDownRight', 'mouthUpperUpLeft', 'mouthUpperUpRight']],
  ['Cheeks, nose, tongue', ['cheekPuff', 'cheekSquintLeft', 'cheekSquintRight', 'noseSneerLeft', 'noseSneerRight', 'tongueOut']],
];
{
  const listed = GROUPS.flatMap(([, names]) => names);
  const missing = S.ARKIT_NAMES.filter(n => !listed.includes(n));
  if (missing.length || listed.length !== 52) console.warn('slider groups do not cover ARKit:', missing);
}
const HEAD = [['yaw', 'Yaw', 60], ['pitch', 'Pitch', 45], ['roll', 'Roll', 45]];   // degrees

/** "mouthSmileLeft" → "mouthSmile L". */
const label = name => name.replace(/Left$/, ' L').replace(/Right$/, ' R');

function slider(id, text, min, max, step, title) {
  const row = document.createElement('label');
  row.className = 'slider';
  row.title = title;
  const name = document.createElement('span');
  name.textContent = text;
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', id, min, max, step, value: 0 });
  const out = document.createElement('output');
  out.textContent = '0';
  row.append(name, input, out);
  return { row, input, out };
}

const weightInputs = new Map();
const headInputs = new Map();
{
  const root = $('sliders');
  const head = document.createElement('details');
  head.open = true;
  head.innerHTML = '<summary>Head</summary>';
  for (const [key, text, range] of HEAD) {
    const s = slider(`head-${key}`, `${text} °`, -range, range, 1, `head ${key}, degrees`);
    s.input.addEventListener('input', () => { s.out.textContent = s.input.value; sendHead(); });
    headInputs.set(key, s);
    head.append(s.row);
  }
  for (const [title, names, open] of GROUPS) {
    const group = document.createElement('details');
    group.open = !!open;
    const summary = document.createElement('summary');
    summary.textContent = title;
    group.append(summary);
    for (const name of names) {
      const s = slider(`w-${name}`, label(name), 0, 1, 0.01, name);
      s.input.dataset.arkit = name;
      s.input.addEventListener('input', () => {
        s.out.textContent = Number(s.input.value).toFixed(2);
        if (drive) drive.setWeight(name, Number(s.input.value));
      });
      weightInputs.set(name, s);
      group.append(s.row);
    }
    root.append(group);
    if (open) root.append(head);   // the head right after the main group
  }
}

let drive = null;

function selectAvatar(avatarId) {
  if (drive && drive.avatarId === avatarId) return;
  selectedAvatar = avatarId;
  if (drive) drive.close();
  drive = null;
  if (!avatarId) return;
  if (readOnly) {
    say('drive-state', 'driving refused (read-only gateway)', 'refused');
    return;
  }
  drive = new DriveSender(avatarId, {
    hold: $('hold').checked,
    onState(state, text) { say('drive-state', state === 'open' ? `driving ${avatarId}` : text, state === 'refused' ? 'refused' : 'info'); },
  });
  // A new avatar gets the sliders' current values when the user touches them next.
  for (const [name, s] of weightInputs) drive.weights[S.ARKIT_NAMES.indexOf(name)] = Number(s.input.value);
  window.splatdDrive = drive;
}

function headDegrees() {
  return ['yaw', 'pitch', 'roll'].map(k => Number(headInputs.get(k).input.value));
}

function sendHead() {
  const rad = headDegrees().map(d => d * Math.PI / 180);
  if (drive) drive.setHead(...rad);
}

$('hold').addEventListener('change', e => { if (drive) drive.hold = e.target.checked; });
$('reset-face').addEventListener('click', () => {
  for (const s of [...weightInputs.values(), ...headInputs.values()]) { s.input.value = 0; s.out.textContent = '0'; }
  if (drive) drive.reset();
});

// Dragging on the picture turns the head: right → the face turns to the viewer's right (the
// avatar's left, yaw > 0), down → the nose tips down (pitch > 0).
{
  const stage = $('stage');
  let dragging = null;
  stage.addEventListener('pointerdown', e => {
    dragging = { x: e.clientX, y: e.clientY, start: headDegrees() };
    stage.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  stage.addEventListener('pointermove', e => {
    if (!dragging) return;
    const perPixel = 120 / Math.max(200, stage.clientWidth);   // the width of the picture ≈ 120°
    const set = (key, value) => {
      const s = headInputs.get(key);
      const v = Math.max(Number(s.input.min), Math.min(Number(s.input.max), Math.round(value)));
      s.input.value = v;
      s.out.textContent = String(v);
    };
    set('yaw', dragging.start[0] + (e.clientX - dragging.x) * perPixel);
    set('pitch', dragging.start[1] + (e.clientY - dragging.y) * perPixel);
    sendHead();
  });
  const end = () => { dragging = null; };
  stage.addEventListener('pointerup', end);
  stage.addEventListener('pointercancel', end);
  stage.addEventListener('dblclick', () => {
    for (const s of headInputs.values()) { s.input.value = 0; s.out.textContent = '0'; }
    sendHead();
  });
}

// ─── Voice ──────────────────────────────────────────────────────────────────────────────────

let mic = null;
let micMeter = 0;

async function toggleMic() {
  const button = $('mic');
  if (mic) {
    mic.stop();
    mic = null;
    clearInterval(micMeter);
    $('mic-level').value = 0;
    button.textContent = 'Start microphone';
    button.setAttribute('aria-pressed', 'false');
    say('mic-state', 'stopped');
    return;
  }
  if (!selectedAvatar) { say('voice-message', 'Choose an avatar first.', 'error'); return; }
  if (readOnly) { say('voice-message', `Microphone refused (read-only gateway): ${readOnly}`, 'refused'); return; }
  const sender = new MicrophoneSender(selectedAvatar, {
    onState(state, text) {
      say('voice-message', text, text.startsWith('refused') ? 'refused' : 'error');
      if (mic === sender) { mic = null; button.textContent = 'Start microphone'; button.setAttribute('aria-pressed', 'false'); clearInterval(micMeter); }
    },
  });
  mic = sender;
  button.textContent = 'Stop microphone';
  button.setAttribute('aria-pressed', 'true');
  say('mic-state', 'starting…');
  try {
    const rate = await sender.start();
    say('mic-state', `speaking to ${selectedAvatar} (${rate} Hz)`);
    say('voice-message', '');
    micMeter = setInterval(() => { $('mic-level').value = Math.min(1, sender.level * 4); }, 100);
  } catch (e) {
    sender.release();
    if (mic === sender) mic = null;
    button.textContent = 'Start microphone';
    button.setAttribute('aria-pressed', 'false');
    say('mic-state', '');
    say('voice-message', `Microphone: ${e.message || e}`, String(e.message).startsWith('refused') ? 'refused' : 'error');
  }
}
$('mic').addEventListener('click', toggleMic);
window.splatdMicrophone = () => (mic ? { chunksSent: mic.chunksSent, rate: mic.rate, level: mic.level } : null);

$('speak-form').addEventListener('submit', async e => {
  e.preventDefault();
  const file = $('wav-file').files[0];
  if (!file) { say('voice-message', 'Choose a WAV file first.', 'error'); return; }
  if (!selectedAvatar) { say('voice-message', 'Choose an avatar first.', 'error'); return; }
  say('voice-message', `sending ${file.name}…`);
  try {
    const reply = await speakWAV(selectedAvatar, file);
    say('voice-message', `${selectedAvatar} speaks ${file.name} (${Number(reply.seconds || 0).toFixed(1)} s)`, 'ok');
  } catch (error) {
    sayError('voice-message', error);
  }
});

// ─── Stream settings ────────────────────────────────────────────────────────────────────────

let shownStream = null;

function fillStreamForm(stream) {
  shownStream = stream;
  $('s-width').value = stream.width || 512;
  $('s-height').value = stream.height || 512;
  $('s-fps').value = Number(stream.fps || 30);
  $('s-codec').value = stream.codec || 'CODEC_JPEG';
  $('s-quality').value = stream.quality || '';
  $('s-bitrate').value = stream.bitrateKbps || '';
}

function formSettings() {
  const n = id => ($(id).value === '' ? null : Number($(id).value));
  return {
    width: n('s-width'), height: n('s-height'), fps: n('s-fps'), codec: $('s-codec').value,
    quality: n('s-quality'), bitrateKbps: n('s-bitrate'),
    orbit: { yawDegrees: n('s-yaw') || 0, pitchDegrees: n('s-pitch') || 0, distance: n('s-distance') || 0 },
  };
}

// Another codec: the quality scale changes (JPEG 1–100, PNG 0–9, H.264 CRF 1–51).
$('s-codec').addEventListener('change', () => {
  if (shownStream && $('s-quality').value === String(shownStream.quality || '')) $('s-quality').value = '';
});

let appliedOrbit = JSON.stringify({ yawDegrees: 0, pitchDegrees: 0, distance: 0 });

$('stream-form').addEventListener('submit', async e => {
  e.preventDefault();
  if (!selectedStream) return;
  const f = formSettings();
  const s = shownStream || {};
  // update_stream: only what changed (each scalar is a oneof, so 0 can be sent).
  const update = { streamId: selectedStream };
  if (f.width !== null && f.width !== (s.width || 512)) update.width = f.width;
  if (f.height !== null && f.height !== (s.height || 512)) update.height = f.height;
  if (f.fps !== null && Math.abs(f.fps - Number(s.fps || 30)) > 1e-3) update.fps = f.fps;
  const codecChanged = f.codec !== (s.codec || 'CODEC_JPEG');
  if (codecChanged) update.codec = f.codec;
  // A quality kept across a codec change must suit the new codec: with a new codec, the old
  // codec's quality (left in the form) becomes 0, the new codec's default.
  if (codecChanged) update.quality = f.quality === null || f.quality === (s.quality || 0) ? 0 : f.quality;
  else if (f.quality !== null && f.quality !== (s.quality || 0)) update.quality = f.quality;
  if (f.bitrateKbps !== null && f.bitrateKbps !== (s.bitrateKbps || 0)) update.bitrateKbps = f.bitrateKbps;
  if (JSON.stringify(f.orbit) !== appliedOrbit) update.orbit = f.orbit;
  if (Object.keys(update).length === 1) { say('stream-message', 'nothing changed'); return; }
  try {
    const reply = await control({ updateStream: update });
    if (update.orbit) appliedOrbit = JSON.stringify(f.orbit);
    say('stream-message', `updated ${selectedStream}: ${Object.keys(update).filter(k => k !== 'streamId').join(', ')}`, 'ok');
    if (reply.stream) fillStreamForm(reply.stream);
    scheduleRefresh();
  } catch (error) {
    sayError('stream-message', error);
  }
});

$('open-stream').addEventListener('click', async () => {
  const f = formSettings();
  const open = { avatarId: selectedAvatar, codec: f.codec };
  const id = $('new-stream-id').value.trim();
  if (id) open.streamId = id;
  for (const key of ['width', 'height', 'fps', 'quality', 'bitrateKbps']) if (f[key]) open[key] = f[key];
  open.orbit = f.orbit;
  try {
    const reply = await control({ openStream: open });
    const opened = reply.stream && reply.stream.streamId;
    say('stream-message', `opened ${opened}`, 'ok');
    selectedStream = opened || selectedStream;
    await refreshLists();
  } catch (error) {
    sayError('stream-message', error);
  }
});

$('close-stream').addEventListener('click', async () => {
  if (!selectedStream || !confirm(`Close stream ${selectedStream}?`)) return;
  try {
    await control({ closeStream: { streamId: selectedStream } });
    say('stream-message', `closed ${selectedStream}`, 'ok');
    await refreshLists();
  } catch (error) {
    sayError('stream-message', error);
  }
});

// ─── Avatars ────────────────────────────────────────────────────────────────────────────────

$('load-form').addEventListener('submit', async e => {
  e.preventDefault();
  const load = { path: $('load-path').value.trim() };
  if ($('load-id').value.trim()) load.avatarId = $('load-id').value.trim();
  if ($('load-rig').value.trim()) load.rigPath = $('load-rig').value.trim();
  if ($('load-replace').checked) load.replace = true;
  say('avatar-message', `loading ${load.path}…`);
  try {
    const reply = await control({ loadAvatar: load });
    const info = reply.avatar || {};
    say('avatar-message', `loaded ${info.avatarId}: ${kindName(info.kind)}, ${info.gaussians || 0} Gaussians in ${Number(info.loadSeconds || 0).toFixed(2)} s`, 'ok');
    selectedAvatar = info.avatarId || selectedAvatar;
    await refreshLists();
  } catch (error) {
    sayError('avatar-message', error);
  }
});

$('unload').addEventListener('click', async () => {
  if (!selectedAvatar || !confirm(`Unload avatar ${selectedAvatar}? Its streams close.`)) return;
  try {
    await control({ unloadAvatar: { avatarId: selectedAvatar } });
    say('avatar-message', `unloaded ${selectedAvatar}`, 'ok');
    await refreshLists();
  } catch (error) {
    sayError('avatar-message', error);
  }
});

// ─── Status ─────────────────────────────────────────────────────────────────────────────────

let lastCPU = null;

function row(table, name, value) {
  const tr = table.insertRow();
  const th = document.createElement('th');
  th.textContent = name;
  tr.append(th);
  tr.insertCell().textContent = value;
}

const ms = v => (v === undefined ? '–' : `${Number(v).toFixed(1)} ms`);

async function refreshStatus() {
  let reply;
  try {
    reply = await control({ getStatus: {} });
  } catch (e) {
    $('status').replaceChildren(Object.assign(document.createElement('p'), { className: 'message', textContent: `status: ${e.message}` }));
    $('status').firstChild.dataset.kind = 'error';
    return;
  }
  const d = reply.daemonStatus || {};
  const table = document.createElement('table');
  const uptime = Number(d.uptimeSeconds || 0);
  const cpu = Number(d.cpuSeconds || 0);
  let cpuPercent = '–';
  if (lastCPU && uptime > lastCPU.uptime) cpuPercent = `${(100 * (cpu - lastCPU.cpu) / (uptime - lastCPU.uptime)).toFixed(0)} %`;
  lastCPU = { cpu, uptime };
  row(table, 'daemon', `${d.version || '?'}, up ${uptime.toFixed(0)} s`);
  row(table, 'CPU', `${cpuPercent} (${d.renderThreads || 0} render threads)`);
  row(table, 'RSS', `${(Number(d.rssBytes || 0) / 1048576).toFixed(0)} MB`);
  const stream = (d.streams || []).find(st => st.info && st.info.streamId === selectedStream);
  if (stream) {
    const p = x => (x ? x.p50 : undefined);
    row(table, `stream ${selectedStream}`, `${Number(stream.fps || 0).toFixed(1)} fps, ${stream.subscribers || 0} subscribers`);
    row(table, 'latency p50', ms(p(stream.latencyMs)));
    row(table, 'render p50 / p90', `${ms(p(stream.renderMs))} / ${ms(stream.renderMs && stream.renderMs.p90)}`);
    row(table, 'encode p50', ms(p(stream.encodeMs)));
    row(table, 'frames sent / skipped', `${stream.framesSent || 0} / ${stream.framesSkipped || 0}`);
  }
  const avatar = (d.avatars || []).find(av => av.info && av.info.avatarId === selectedAvatar);
  if (avatar) {
    const state = (avatar.driveState || 'DRIVE_STATE_IDLE').replace('DRIVE_STATE_', '').toLowerCase();
    row(table, `avatar ${selectedAvatar}`, `drive ${state}, ${Number(avatar.driveRateHz || 0).toFixed(0)} Hz, ` +
        `${avatar.driveFramesReceived || 0} frames (${avatar.driveFramesRejected || 0} rejected)`);
    for (const a of avatar.audio || []) {
      row(table, `audio ${a.source || '?'}`, `${a.voiceActive ? 'voice' : 'silent'}, ${Number(a.levelDb || 0).toFixed(0)} dB, ` +
          `${a.viseme || 'sil'}, latency ${ms(a.latencyMs)}, ${a.chunksReceived || 0} chunks`);
    }
    const m = avatar.mixing;
    if (m) {
      const src = v => ((v || 'SOURCE_TRACKER').replace('SOURCE_', '').toLowerCase());
      row(table, 'mixing', `mouth: ${src(m.jawAndMouth)}, head: ${src(m.headPose)}, eyes: ${src(m.eyesAndBrows)}`);
    }
  }
  for (const t of d.trackers || []) row(table, `tracker ${t.protocol}`, `${t.endpoint}, ${Number(t.rateHz || 0).toFixed(0)} Hz`);
  $('status').replaceChildren(table);
}

function refreshPlayerStats() {
  const dl = $('player-stats');
  if (!player) { dl.replaceChildren(); return; }
  const s = player.stats();
  const items = [
    ['shown', `${s.fps} fps, ${s.width}×${s.height} ${s.codec}`],
    ['frames', `${s.framesShown} shown / ${s.framesReceived} received, ${s.framesMissed} missed, ${s.framesDropped} dropped`],
    ['latency', `${s.latencyMs} ms${s.audioActive ? `, voice buffer ${s.jitterMs} ms` : ''}`],
    ['voice', `${s.audioPacketsPlayed} packets played${s.audioContextState === 'suspended' ? ' (click the page to hear it)' : ''}`],
  ];
  dl.replaceChildren(...items.flatMap(([k, v]) => [
    Object.assign(document.createElement('dt'), { textContent: k }),
    Object.assign(document.createElement('dd'), { textContent: v }),
  ]));
}

// A read-only gateway refuses everything but ping and the lists (403 with its reason). Ask
// once with a request that changes nothing anywhere (a keyframe for a stream that does not
// exist: NOT_FOUND from a daemon that may be driven), so that the page can say so up front.
let readOnly = '';
try {
  await control({ requestKeyframe: { streamId: '-' } });
} catch (e) {
  if (e instanceof ControlError && e.readOnly) readOnly = e.message.replace(/^refused \(read-only\):\s*/, '');
}
if (readOnly) {
  document.body.classList.add('read-only');
  const banner = $('read-only');
  banner.textContent = `${readOnly.charAt(0).toUpperCase()}${readOnly.slice(1)}. You can watch; driving, speech, loading and stream settings are refused.`;
  banner.hidden = false;
}
window.splatdReadOnly = () => readOnly;

await refreshLists();
refreshStatus();
setInterval(refreshStatus, 1000);
setInterval(refreshPlayerStats, 500);
