// embed.js — /embed/<stream id>: the stream alone, scaled to the window with its aspect ratio,
// on a transparent background (or ?background=<CSS colour>), with its voice; for OBS Browser
// Source and iframes. ?muted=1 leaves the voice out. window.splatdStats() reports the player.
const query = new URL(import.meta.url).search;
const { StreamPlayer } = await import('./splatd.js' + query);

const params = new URLSearchParams(location.search);
const canvas = document.getElementById('view');
const message = document.getElementById('message');

const background = params.get('background');
if (background && CSS.supports('background-color', background)) {
  document.documentElement.style.background = background;
  document.body.style.background = background;
}

const prefix = '/embed/';
const path = location.pathname;
const streamId = decodeURIComponent(path.startsWith(prefix) ? path.slice(prefix.length).replace(/\/+$/, '') : '') ||
  params.get('stream') || 'default';
document.title = `splatd — ${streamId}`;

function fit() {
  // Keep the aspect ratio, as large as the window allows, centred (the body is a flex box).
  const aspect = (canvas.width || 1) / (canvas.height || 1);
  const wide = window.innerWidth / Math.max(1, window.innerHeight) > aspect;
  canvas.classList.toggle('fill-height', wide);
  canvas.classList.toggle('fill-width', !wide);
}
window.addEventListener('resize', fit);
fit();

function show(text) {
  message.textContent = text;
  message.hidden = !text;
}

const player = new StreamPlayer(canvas, streamId, {
  muted: params.get('muted') === '1' || params.get('muted') === 'true',
  onResize: fit,
  onState(state, detail) {
    // Only what a viewer must know: an unsupported codec, a closed stream, a lost connection.
    if (state === 'live' || state === 'connected' || state === 'connecting') show('');
    else if (state === 'unsupported' || state === 'closed' || state === 'error') show(detail);
    else if (state === 'reconnecting' && player.counters.framesShown === 0) show(detail);
  },
});
player.start();

// A stream that sends nothing (not open yet, or no such stream): say so after a while.
setInterval(() => {
  const s = player.stats();
  if (s.state === 'connected' && s.framesReceived === 0 && performance.now() - player.connectedAt > 5000) {
    show(`Waiting for stream ${streamId}: no frames yet (is it open?)`);
  }
}, 1000);

window.splatdPlayer = player;
window.splatdStats = () => player.stats();
