// Application state: the filters every view obeys, kept in the URL hash so a view can be shared
// or bookmarked, plus a tiny publish/subscribe.

export const FILTER_KEYS = ['since', 'until', 'country', 'admin1', 'type', 'actor_type', 'actor', 'min_sources', 'story', 'bbox'];
// Filters that take several values (any may match), kept as arrays and repeated in the URL
// (country=Syria&country=Iraq), as the API takes them.
export const MULTI_KEYS = ['country', 'admin1', 'type', 'actor_type'];

const listeners = new Set();

export const state = {
  filters: {},
  eventId: null,
  tab: 'events',
};

export function onChange(fn) {
  listeners.add(fn);
}

function emit(what) {
  for (const fn of listeners) fn(what);
}

export function readHash() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const filters = {};
  for (const key of FILTER_KEYS) {
    if (MULTI_KEYS.includes(key)) {
      const vs = params.getAll(key).filter(Boolean);
      if (vs.length) filters[key] = vs;
      continue;
    }
    const v = params.get(key);
    if (v) filters[key] = v;
  }
  state.filters = filters;
  state.eventId = params.get('event') || null;
  state.tab = params.get('tab') || 'events';
}

function writeHash() {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = state.filters[key];
    if (Array.isArray(v)) for (const one of v) params.append(key, one);
    else if (v) params.set(key, v);
  }
  if (state.tab && state.tab !== 'events') params.set('tab', state.tab);
  if (state.eventId) params.set('event', state.eventId);
  const hash = params.toString();
  const url = `${window.location.pathname}${window.location.search}${hash ? `#${hash}` : ''}`;
  window.history.replaceState(null, '', url);
}

export function setFilters(patch, { replace = false } = {}) {
  const next = replace ? {} : { ...state.filters };
  for (const [k, v] of Object.entries(patch)) {
    if (MULTI_KEYS.includes(k)) {
      const vs = [...new Set((Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined && x !== '').map(String))];
      if (vs.length) next[k] = vs;
      else delete next[k];
    } else if (v === null || v === undefined || v === '') delete next[k];
    else next[k] = String(v);
  }
  const changed = JSON.stringify(next) !== JSON.stringify(state.filters);
  state.filters = next;
  writeHash();
  if (changed) emit('filters');
}

export function setEvent(id) {
  state.eventId = id || null;
  writeHash();
}

export function setTab(tab) {
  state.tab = tab;
  writeHash();
}
