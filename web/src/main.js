// Flashpoint dashboard: filters drive the map, timeline, table, network and stories; the event
// panel shows each field's evidence in the source articles.
import { h, $, $$, clear, debounce, fmtNumber } from './dom.js';
import { api, authHeaders, query, setToken } from './api.js';
import { state, readHash, setFilters, setEvent, setTab, onChange, MULTI_KEYS } from './state.js';
import { initMap, showEvents, selectEvent, clearSelection, invalidate, boundsString } from './map.js';
import { initTimeline, renderTimeline, setCaption, isoToTs, tsToIso } from './timeline.js';
import { initTable, setRows, markSelected } from './table.js';
import { initPanel, openPanel, closePanel, isOpen } from './panel.js';
import { initNetwork, renderNetwork, markActive, resizeNetwork, hasNetwork } from './network.js';
import { initStories, renderStories, renderStoryPage } from './stories.js';
import { MultiSelect } from './multiselect.js';
import { initAlerts, loadAlerts } from './alerts.js';

/* global __ACLED_TYPES__ */
const ACLED_TYPES = __ACLED_TYPES__;
const ACTOR_TYPES = __ACTOR_TYPES__; // inter code -> ACLED actor type name
const PAGE = 1000; // the API's largest page
const CAP = 5000; // events loaded for the map and table; beyond it the user narrows the filters
const FORM_KEYS = ['since', 'until', 'actor', 'min_sources'];
const DOWNLOADS = [['csv', 'CSV'], ['geojson', 'GeoJSON']];

let seq = 0;
let controller = null;
let stories = [];
let graphLoaded = null;
let bboxMode = false;
let dailyRows = [];
let zoomedOut = false; // the user asked for the whole timeline while a date range is set
const selects = {}; // multi-select filters by name
function status(message, kind = 'info') {
  const el = $('#status');
  clear(el);
  el.className = `status ${kind}`;
  if (message) el.append(message);
}

function tokenPrompt() {
  const input = h('input', { type: 'password', 'aria-label': 'API token', placeholder: 'API token', autocomplete: 'off' });
  const form = h('form', { class: 'token-form' },
    'This server needs a token to read: ', input, h('button', { type: 'submit' }, 'Use token'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    refresh();
    loadStories();
  });
  status(form, 'error');
  input.focus();
}

function fail(err) {
  if (err.name === 'AbortError') return;
  if (err.status === 401 || err.status === 403) tokenPrompt();
  else status(`Error: ${err.message}`, 'error');
}

// ---- filters form

function typeOptions() {
  const out = [];
  for (const [type, subs] of Object.entries(ACLED_TYPES)) {
    out.push({ value: type, label: type, group: type });
    for (const sub of subs) out.push({ value: sub, label: sub, group: type, indent: true });
  }
  return out;
}

function buildMultiSelects() {
  const specs = [
    ['country', 'Country'],
    ['admin1', 'Admin1'],
    ['type', 'Event type'],
    ['actor_type', 'Actor type'],
  ];
  const slot = $('#multi-filters');
  for (const [name, label] of specs) {
    selects[name] = new MultiSelect({ name, label, onChange: (values) => setFilters({ [name]: values }) });
    slot.append(selects[name].root);
  }
  selects.type.setOptions(typeOptions());
  selects.actor_type.setOptions(Object.entries(ACTOR_TYPES).map(([code, name]) => ({ value: name, label: `${name} (${code})` })));
}

function syncForm() {
  const form = $('#filters');
  for (const key of FORM_KEYS) {
    const input = form.elements[key];
    const value = state.filters[key] || '';
    if (input.value !== value) input.value = value;
  }
  for (const key of MULTI_KEYS) selects[key]?.set(state.filters[key] || []);
}

function readForm() {
  const form = $('#filters');
  const patch = {};
  for (const key of FORM_KEYS) patch[key] = form.elements[key].value.trim();
  return patch;
}

function renderChips() {
  const chips = $('#chips');
  clear(chips);
  const f = state.filters;
  const items = [];
  if (f.story) {
    const s = stories.find((x) => x.id === f.story);
    items.push(['story', `Story: ${s ? s.title : f.story}`]);
  }
  if (f.bbox) items.push(['bbox', 'Area: map view']);
  if (f.since || f.until) items.push([['since', 'until'], `Dates: ${f.since || '…'} – ${f.until || '…'}`]);
  const many = (v) => (Array.isArray(v) ? v.join(' or ') : v);
  if (f.type) items.push(['type', `Type: ${many(f.type)}`]);
  if (f.country) items.push(['country', `Country: ${many(f.country)}`]);
  if (f.admin1) items.push(['admin1', `Admin1: ${many(f.admin1)}`]);
  if (f.actor_type) items.push(['actor_type', `Actor type: ${many(f.actor_type)}`]);
  if (f.actor) items.push(['actor', `Actor: ${f.actor}`]);
  if (f.min_sources) items.push(['min_sources', `≥ ${f.min_sources} sources`]);
  for (const [keys, label] of items) {
    const list = Array.isArray(keys) ? keys : [keys];
    chips.append(h('span', { class: 'chip' }, label, h('button', {
      type: 'button',
      'aria-label': `Remove filter ${label}`,
      onclick: () => {
        if (list.includes('bbox')) setBboxMode(false);
        setFilters(Object.fromEntries(list.map((k) => [k, null])));
      },
    }, '×')));
  }
  chips.hidden = items.length === 0;
}

// ---- data

async function loadEvents(filters, signal) {
  const params = { ...filters, limit: PAGE, offset: 0, sort: '-date' };
  const first = await api('events', params, { signal });
  const events = first.events.slice();
  const total = first.total;
  while (events.length < Math.min(total, CAP)) {
    const next = await api('events', { ...params, offset: events.length }, { signal });
    if (!next.events.length) break;
    events.push(...next.events);
  }
  return { total, events };
}

function zoomed() {
  return Boolean(state.filters.since && state.filters.until && !zoomedOut);
}

function timelineBucket(rows) {
  const chosen = $('#bucket').value;
  if (chosen !== 'auto') return chosen;
  let span;
  if (zoomed()) {
    span = (isoToTs(state.filters.until) - isoToTs(state.filters.since)) / 86400 * 1.5;
  } else {
    const ts = rows.map((r) => isoToTs(String(r.key))).filter((t) => t !== null);
    if (ts.length < 2) return 'day';
    span = (Math.max(...ts) - Math.min(...ts)) / 86400;
  }
  return span > 300 ? 'week' : 'day';
}

function byWeek(rows) {
  const weeks = new Map();
  for (const r of rows) {
    const t = isoToTs(String(r.key));
    if (t === null) continue;
    const monday = t - ((new Date(t * 1000).getUTCDay() + 6) % 7) * 86400;
    const key = tsToIso(monday);
    const cur = weeks.get(key) || { key, events: 0, fatalities: 0 };
    cur.events += r.events || 0;
    cur.fatalities += r.fatalities || 0;
    weeks.set(key, cur);
  }
  return [...weeks.values()];
}

function drawTimeline() {
  const by = timelineBucket(dailyRows);
  const rows = by === 'week' ? byWeek(dailyRows) : dailyRows;
  const isZoomed = zoomed();
  renderTimeline(rows, by, { since: state.filters.since, until: state.filters.until }, { zoom: isZoomed });
  const dated = dailyRows.reduce((n, r) => n + (r.events || 0), 0);
  setCaption(dailyRows.length
    ? `${fmtNumber(dated)} dated, per ${by} · ${isZoomed ? `zoomed to ${state.filters.since} – ${state.filters.until}` : 'drag to pick dates'}`
    : 'no dated events');
  const zoomButton = $('#zoom-out');
  const ranged = Boolean(state.filters.since && state.filters.until);
  zoomButton.hidden = !ranged;
  zoomButton.textContent = isZoomed ? 'Zoom out' : 'Zoom to dates';
  zoomButton.setAttribute('aria-pressed', isZoomed ? 'false' : 'true');
}

// The download links carry the filters of the view (the API's own, so the file holds exactly the
// rows the table and map select, every page of them); with a token they are fetched with it.
function updateDownloads() {
  for (const a of $$('#downloads a')) {
    a.href = `api/events/download${query({ ...state.filters, format: a.dataset.format })}`;
  }
}

function downloadBar() {
  const links = DOWNLOADS.map(([format, label]) => {
    const a = h('a', { class: 'button-link', 'data-format': format, download: `flashpoint-events.${format}`, href: '#' }, label);
    a.addEventListener('click', async (e) => {
      const headers = authHeaders();
      if (!headers.Authorization) return; // a plain link: the browser downloads it
      e.preventDefault();
      try {
        const res = await fetch(a.href, { headers });
        if (!res.ok) throw Object.assign(new Error(`${res.status} ${res.statusText}`), { status: res.status });
        const url = URL.createObjectURL(await res.blob());
        const tmp = h('a', { href: url, download: a.getAttribute('download') });
        document.body.append(tmp);
        tmp.click();
        tmp.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (err) {
        fail(err);
      }
    });
    return a;
  });
  return h('div', { id: 'downloads', class: 'downloads', role: 'group', 'aria-label': 'Download the events of this view' },
    h('span', { class: 'muted' }, 'Download this view:'), links);
}

async function refresh() {
  seq += 1;
  const mine = seq;
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  const filters = { ...state.filters };
  const undated = { ...filters };
  delete undated.since;
  delete undated.until;
  renderChips();
  syncForm();
  document.body.classList.add('loading');
  status('Loading…');
  try {
    const [{ total, events }, stats] = await Promise.all([
      loadEvents(filters, signal),
      api('stats', { by: 'day', ...undated }, { signal }),
    ]);
    if (mine !== seq) return;
    const count = $('#event-count');
    count.textContent = `${fmtNumber(total)} event${total === 1 ? '' : 's'}`;
    count.dataset.total = String(total);
    setRows(events);
    markSelected(state.eventId);
    updateDownloads();
    const onMap = showEvents(events, { fit: !bboxMode });
    dailyRows = stats.rows || [];
    drawTimeline();
    const notes = [`${fmtNumber(total)} events`, `${fmtNumber(onMap)} on the map`];
    if (total > events.length) notes.push(`showing the first ${fmtNumber(events.length)}: narrow the filters to see the rest`);
    status(notes.join(' · '));
  } catch (err) {
    if (mine === seq) fail(err);
  } finally {
    if (mine === seq) document.body.classList.remove('loading');
  }
}

async function loadStories() {
  try {
    const res = await api('stories');
    stories = res.stories || [];
  } catch (err) {
    stories = [];
    if (err.status !== 404) console.warn('stories not loaded:', err.message);
  }
  showStories();
  renderChips();
}

// The stories tab lists the stories; with one chosen (#story=ID) it is that story's page.
function showStories() {
  if (state.filters.story) renderStoryPage(state.filters.story, stories.find((s) => s.id === state.filters.story));
  else renderStories(stories, null);
}

async function loadAdmin1Options() {
  try {
    const res = await api('stats', { by: 'admin1', country: state.filters.country || null });
    selects.admin1.setOptions((res.rows || []).filter((r) => r.key).map((r) => ({ value: r.key, label: r.key, count: r.events })));
  } catch (err) {
    fail(err);
  }
}

// The network follows every filter but the actor one, so choosing an actor keeps its neighbours.
function graphFilters() {
  const f = { ...state.filters };
  delete f.actor;
  return JSON.stringify(f);
}

async function loadGraph() {
  const key = graphFilters();
  if (graphLoaded === key) return;
  graphLoaded = key;
  try {
    const g = await api('graph', JSON.parse(key));
    if (graphLoaded !== key) return;
    renderNetwork(g, state.filters.actor);
  } catch (err) {
    graphLoaded = null;
    fail(err);
  }
}

async function loadCountries() {
  try {
    const res = await api('stats', { by: 'country' });
    const rows = (res.rows || []).filter((r) => r.key).sort((a, b) => String(a.key).localeCompare(String(b.key)));
    selects.country.setOptions(rows.map((r) => ({ value: r.key, label: r.key, count: r.events })));
  } catch (err) {
    fail(err);
  }
}

// ---- views

function showTab(name, { focus = false } = {}) {
  for (const tab of $$('[role="tab"]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(`#${tab.getAttribute('aria-controls')}`).hidden = !on;
    if (on && focus) tab.focus();
  }
  setTab(name);
  if (name === 'network') {
    loadGraph();
    requestAnimationFrame(resizeNetwork);
  }
  if (name === 'alerts') loadAlerts();
}

function tabKeys(e) {
  const tabs = $$('[role="tab"]');
  const i = tabs.indexOf(e.target);
  if (i < 0) return;
  let j = null;
  if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
  else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = tabs.length - 1;
  if (j !== null) {
    e.preventDefault();
    showTab(tabs[j].dataset.tab, { focus: true });
  }
}

async function open(id, originEl) {
  setEvent(id);
  markSelected(id);
  const ev = await openPanel(id, originEl);
  if (ev) selectEvent(ev);
}

function setBboxMode(on) {
  bboxMode = on;
  const box = $('#bbox-toggle');
  if (box) box.checked = on;
}

function bboxControl() {
  const input = h('input', { type: 'checkbox', id: 'bbox-toggle' });
  input.addEventListener('change', () => {
    setBboxMode(input.checked);
    setFilters({ bbox: input.checked ? boundsString() : null });
  });
  return h('label', { class: 'bbox-toggle' }, input, ' Only events in the map view');
}

async function main() {
  readHash();
  buildMultiSelects();
  syncForm();
  $('#events-pane').prepend(downloadBar());
  setBboxMode(Boolean(state.filters.bbox));
  $('#map-tools').append(bboxControl());

  const form = $('#filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFilters(readForm());
  });
  for (const name of ['since', 'until', 'min_sources']) {
    form.elements[name].addEventListener('change', () => setFilters(readForm()));
  }
  const typed = debounce(() => setFilters(readForm()), 400);
  form.elements.actor.addEventListener('input', typed);
  $('#reset').addEventListener('click', () => {
    setBboxMode(false);
    setFilters({}, { replace: true });
  });
  $('#clear-range').addEventListener('click', () => setFilters({ since: null, until: null }));
  $('#zoom-out').addEventListener('click', () => {
    zoomedOut = !zoomedOut;
    drawTimeline();
  });
  $('#bucket').addEventListener('change', drawTimeline);

  for (const tab of $$('[role="tab"]')) {
    tab.addEventListener('click', () => showTab(tab.dataset.tab));
    tab.addEventListener('keydown', tabKeys);
  }

  initTable($('#events-table'), { open });
  initPanel($('#panel'), {
    closed: () => {
      setEvent(null);
      markSelected(null);
      clearSelection();
    },
    story: (id) => {
      closePanel();
      setFilters({ story: id });
    },
  });
  initTimeline($('#timeline'), {
    brushed: (since, until) => {
      zoomedOut = false;
      setFilters({ since, until });
    },
  });
  initNetwork($('#network-pane'), {
    pick: (actor) => {
      setFilters({ actor: state.filters.actor === actor ? null : actor });
    },
  });
  initStories($('#stories-list'), {
    pick: (id) => setFilters({ story: id }),
    open,
  });
  initAlerts($('#alerts-pane'), { open });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen()) {
      e.preventDefault();
      closePanel();
    }
  });

  let lastCountries = JSON.stringify(state.filters.country || []);
  onChange(() => {
    refresh();
    showStories();
    const countries = JSON.stringify(state.filters.country || []);
    if (countries !== lastCountries) {
      lastCountries = countries;
      loadAdmin1Options();
    }
    if (state.tab === 'network') loadGraph();
    markActive(state.filters.actor);
  });

  const boundsChanged = debounce((bbox) => {
    if (bboxMode && bbox) setFilters({ bbox });
  }, 300);
  await initMap($('#map'), { open, boundsChanged });

  const wanted = state.tab;
  showTab(['events', 'network', 'stories', 'alerts'].includes(wanted) ? wanted : 'events');
  loadCountries();
  loadAdmin1Options();
  loadStories();
  await refresh();
  if (state.eventId) open(state.eventId, null);
  window.addEventListener('resize', debounce(() => {
    invalidate();
    if (hasNetwork() && state.tab === 'network') resizeNetwork();
  }, 200));
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  console.error(err);
  status(`The dashboard failed to start: ${err.message}`, 'error');
});
