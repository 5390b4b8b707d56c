// Flashpoint dashboard: filters drive the map, timeline, table, network and stories; the event
// panel shows each field's evidence in the source articles.
import { h, $, $$, clear, debounce, fmtNumber } from './dom.js';
import { api, setToken } from './api.js';
import { state, readHash, setFilters, setEvent, setTab, onChange } from './state.js';
import { initMap, showEvents, selectEvent, clearSelection, invalidate, boundsString } from './map.js';
import { initTimeline, renderTimeline, setCaption, isoToTs, tsToIso } from './timeline.js';
import { initTable, setRows, markSelected } from './table.js';
import { initPanel, openPanel, closePanel, isOpen } from './panel.js';
import { initNetwork, renderNetwork, markActive, resizeNetwork, hasNetwork } from './network.js';
import { initStories, renderStories } from './stories.js';

/* global __ACLED_TYPES__ */
const ACLED_TYPES = __ACLED_TYPES__;
const PAGE = 1000; // the API's largest page
const CAP = 5000; // events loaded for the map and table; beyond it the user narrows the filters
const FORM_KEYS = ['since', 'until', 'country', 'type', 'actor', 'min_sources'];

let seq = 0;
let controller = null;
let stories = [];
let graphLoaded = null;
let bboxMode = false;
let dailyRows = [];

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

function fillTypeSelect(select) {
  for (const [type, subs] of Object.entries(ACLED_TYPES)) {
    const group = h('optgroup', { label: type });
    group.append(h('option', { value: type }, `All ${type}`));
    for (const sub of subs) group.append(h('option', { value: sub }, sub));
    select.append(group);
  }
}

function syncForm() {
  const form = $('#filters');
  for (const key of FORM_KEYS) {
    const input = form.elements[key];
    const value = state.filters[key] || '';
    if (key === 'type' && value && !$$('option', input).some((o) => o.value.toLowerCase() === value.toLowerCase())) {
      input.append(h('option', { value }, value));
    }
    if (key === 'type' && value) {
      const match = $$('option', input).find((o) => o.value.toLowerCase() === value.toLowerCase());
      input.value = match ? match.value : value;
    } else if (input.value !== value) input.value = value;
  }
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
  if (f.type) items.push(['type', `Type: ${f.type}`]);
  if (f.country) items.push(['country', `Country: ${f.country}`]);
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
  const params = { ...filters, limit: PAGE, offset: 0, sort: 'date' };
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

function timelineBucket(rows) {
  const chosen = $('#bucket').value;
  if (chosen !== 'auto') return chosen;
  const ts = rows.map((r) => isoToTs(String(r.key))).filter((t) => t !== null);
  if (ts.length < 2) return 'day';
  const span = (Math.max(...ts) - Math.min(...ts)) / 86400;
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
  renderTimeline(rows, by, { since: state.filters.since, until: state.filters.until });
  const dated = dailyRows.reduce((n, r) => n + (r.events || 0), 0);
  setCaption(dailyRows.length
    ? `${fmtNumber(dated)} dated, per ${by} · drag to pick dates`
    : 'no dated events');
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
  renderStories(stories, state.filters.story);
  renderChips();
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
    const res = await api('places');
    const rows = Array.isArray(res) ? res : res.places || res.rows || [];
    const names = new Set();
    for (const r of rows) if (r && typeof r.country === 'string' && r.country) names.add(r.country);
    const list = $('#countries');
    for (const name of [...names].sort()) list.append(h('option', { value: name }));
  } catch {
    /* the country box still takes free text */
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
  fillTypeSelect($('#filters').elements.type);
  syncForm();
  setBboxMode(Boolean(state.filters.bbox));
  $('#map-tools').append(bboxControl());

  const form = $('#filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFilters(readForm());
  });
  for (const name of ['since', 'until', 'type', 'min_sources']) {
    form.elements[name].addEventListener('change', () => setFilters(readForm()));
  }
  const typed = debounce(() => setFilters(readForm()), 400);
  form.elements.actor.addEventListener('input', typed);
  form.elements.country.addEventListener('change', () => setFilters(readForm()));
  $('#reset').addEventListener('click', () => {
    setBboxMode(false);
    setFilters({}, { replace: true });
  });
  $('#clear-range').addEventListener('click', () => setFilters({ since: null, until: null }));
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
  initTimeline($('#timeline'), { brushed: (since, until) => setFilters({ since, until }) });
  initNetwork($('#network-pane'), {
    pick: (actor) => {
      setFilters({ actor: state.filters.actor === actor ? null : actor });
    },
  });
  initStories($('#stories-list'), {
    pick: (id) => setFilters({ story: id }),
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen()) {
      e.preventDefault();
      closePanel();
    }
  });

  onChange(() => {
    refresh();
    renderStories(stories, state.filters.story);
    if (state.tab === 'network') loadGraph();
    markActive(state.filters.actor);
  });

  const boundsChanged = debounce((bbox) => {
    if (bboxMode && bbox) setFilters({ bbox });
  }, 300);
  await initMap($('#map'), { open, boundsChanged });

  const wanted = state.tab;
  showTab(['events', 'network', 'stories'].includes(wanted) ? wanted : 'events');
  loadCountries();
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
