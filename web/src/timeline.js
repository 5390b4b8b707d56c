// The timeline: events (bars) and fatalities (line) per day or week, from /api/stats.
// Dragging across it selects a date range, which becomes the since/until filters; the band stays
// on the chosen dates and the chart zooms to them (with a margin either side, so the band and its
// surroundings stay visible) until the user zooms out or clears the dates.
import uPlot from 'uplot';

const DAY = 86400;
let plot = null;
let host = null;
let onBrush = () => {};
let current = { xs: [], range: null, zoom: null };
let applyingSelect = false;
let caption = '';

const readout = () => document.getElementById('tl-readout');

export function setCaption(text) {
  caption = text;
  const out = readout();
  if (out) out.textContent = text;
}

export function isoToTs(iso) {
  if (typeof iso !== 'string') return null;
  let m = /^(\d{4})-W(\d{2})$/.exec(iso);
  if (m) {
    // ISO week: Monday of week w; week 1 holds January 4th.
    const jan4 = Date.UTC(+m[1], 0, 4);
    const dow = (new Date(jan4).getUTCDay() + 6) % 7;
    return (jan4 - dow * DAY * 1000) / 1000 + (+m[2] - 1) * 7 * DAY;
  }
  m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso);
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1) / 1000;
}

export function tsToIso(ts) {
  return new Date(ts * 1000).toISOString().slice(0, 10);
}

function fill(rows, step) {
  const points = new Map();
  for (const r of rows) {
    const t = isoToTs(String(r.key));
    if (t === null) continue;
    const cur = points.get(t) || [0, 0];
    cur[0] += r.events || 0;
    cur[1] += r.fatalities || 0;
    points.set(t, cur);
  }
  if (!points.size) return [[], [], []];
  const keys = [...points.keys()].sort((a, b) => a - b);
  const xs = [];
  const ev = [];
  const fat = [];
  const snap = (t) => (step === 7 * DAY ? t - ((((new Date(t * 1000).getUTCDay() + 6) % 7) * DAY)) : t);
  for (let t = snap(keys[0]); t <= keys[keys.length - 1]; t += step) {
    xs.push(t);
    const p = points.get(t);
    ev.push(p ? p[0] : 0);
    fat.push(p ? p[1] : 0);
  }
  if (xs.length === 1) {
    xs.unshift(xs[0] - step);
    ev.unshift(0);
    fat.unshift(0);
    xs.push(xs[xs.length - 1] + step);
    ev.push(0);
    fat.push(0);
  }
  return [xs, ev, fat];
}

function size() {
  const r = host.getBoundingClientRect();
  return { width: Math.max(200, Math.floor(r.width)), height: Math.max(80, Math.floor(r.height)) };
}

function makeOpts(by) {
  return {
    ...size(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: false },
    padding: [8, 8, 0, 4],
    scales: {
      // Zoomed: the chosen range and a margin; otherwise the data's own extent.
      x: { time: true, range: (u, min, max) => current.zoom || [min, max] },
      y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
      f: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
    },
    series: [
      { label: by === 'week' ? 'Week of' : 'Day', value: (u, v) => (v === null ? '–' : tsToIso(v)) },
      {
        label: 'Events',
        stroke: '#1565c0',
        fill: 'rgba(21,101,192,0.55)',
        width: 0,
        paths: uPlot.paths.bars({ size: [0.85, 24], align: 1 }),
        points: { show: false },
      },
      { label: 'Fatalities', stroke: '#c62828', width: 1.25, scale: 'f', points: { show: false } },
    ],
    axes: [
      { stroke: '#444', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } },
      { stroke: '#1565c0', grid: { stroke: '#eee' }, size: 36 },
      { side: 1, scale: 'f', stroke: '#c62828', grid: { show: false }, size: 36 },
    ],
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    select: { show: true },
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          const out = readout();
          if (!out) return;
          if (i === null || i === undefined) {
            out.textContent = caption;
            return;
          }
          const when = by === 'week' ? `week of ${tsToIso(u.data[0][i])}` : tsToIso(u.data[0][i]);
          out.textContent = `${when}: ${u.data[1][i]} events, ${u.data[2][i]} fatalities`;
        },
      ],
      // The band is drawn after every draw (creation, resize, zoom): before the first draw the
      // scales are not set and valToPos has nothing to measure against.
      draw: [() => showRange(current.range)],
      setSelect: [
        (u) => {
          if (applyingSelect || u.select.width < 3) return;
          const a = u.posToVal(u.select.left, 'x');
          const b = u.posToVal(u.select.left + u.select.width, 'x');
          onBrush(tsToIso(a), tsToIso(b));
        },
      ],
    },
  };
}

export function initTimeline(container, { brushed }) {
  host = container;
  onBrush = brushed;
  const ro = new ResizeObserver(() => {
    if (plot) {
      plot.setSize(size());
      showRange(current.range);
    }
  });
  ro.observe(host);
}

// The x window for a since/until range: the range and a quarter of its length either side
// (at least two buckets), so the band is seen against what came before and after.
export function zoomWindow(range, step) {
  if (!range || !range.since || !range.until) return null;
  const lo = isoToTs(range.since);
  const hi = isoToTs(range.until) + DAY;
  if (lo === null || hi === null || hi <= lo) return null;
  const margin = Math.max(2 * step, (hi - lo) / 4);
  return [lo - margin, hi + margin];
}

export function renderTimeline(rows, by, range, { zoom = false } = {}) {
  const step = by === 'week' ? 7 * DAY : DAY;
  const data = fill(rows || [], step);
  current = { xs: data[0], range, zoom: zoom ? zoomWindow(range, step) : null };
  host.dataset.zoomed = current.zoom ? 'true' : 'false';
  if (plot) plot.destroy();
  plot = null;
  host.dataset.points = String(data[0].length);
  if (!data[0].length) {
    host.dataset.empty = 'true';
    return;
  }
  delete host.dataset.empty;
  plot = new uPlot(makeOpts(by), data, host);
  showRange(range);
}

// Draws the active since/until range as the selection band, without re-filtering.
export function showRange(range) {
  current.range = range;
  if (!plot) return;
  const width = plot.bbox.width / devicePixelRatio;
  if (!(width > 0) || plot.scales.x.min === null || plot.scales.x.min === undefined) return;
  [host.dataset.viewFrom, host.dataset.viewTo] = [tsToIso(plot.scales.x.min), tsToIso(plot.scales.x.max)];
  applyingSelect = true;
  try {
    if (!range || (!range.since && !range.until)) {
      plot.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
      delete host.dataset.bandLeft;
      delete host.dataset.bandWidth;
      return;
    }
    const xs = current.xs;
    const lo = range.since ? isoToTs(range.since) : xs[0];
    const hi = range.until ? isoToTs(range.until) + DAY : xs[xs.length - 1] + DAY;
    const left = Math.max(0, Math.min(width, plot.valToPos(lo, 'x')));
    const right = Math.max(0, Math.min(width, plot.valToPos(hi, 'x')));
    const band = { left, width: Math.max(2, right - left), top: 0, height: plot.bbox.height / devicePixelRatio };
    plot.setSelect(band, false);
    host.dataset.bandLeft = band.left.toFixed(1);
    host.dataset.bandWidth = band.width.toFixed(1);
  } finally {
    applyingSelect = false;
  }
}

