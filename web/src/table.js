// The event table: sortable columns, pages of rows; each row is focusable and Enter opens it.
import { h, clear, fmtNumber } from './dom.js';
import { typeColor } from './colors.js';

const PAGE_SIZE = 25;

const COLUMNS = [
  { key: 'date', label: 'Date', value: (e) => e.date || null },
  { key: 'type', label: 'Type', value: (e) => (e.acled ? `${e.acled.event_type} ${e.acled.sub_event_type}` : null) },
  { key: 'actors', label: 'Actors', value: (e) => actorsText(e) || null },
  { key: 'location', label: 'Location', value: (e) => placeText(e) || null },
  { key: 'fatalities', label: 'Fatalities', value: (e) => e.fatalities ?? null, numeric: true },
  { key: 'sources', label: 'Sources', value: (e) => e.n_sources ?? 1, numeric: true },
];

let host = null;
let rows = [];
// Newest first: the latest events are what an analyst opens the monitor for (and the oldest rows
// are where mis-dated events collect).
let sortKey = 'date';
let sortDir = -1;
let page = 0;
let onOpen = () => {};

export function actorsText(e) {
  const a = [e.actor1, e.assoc_actor_1].filter(Boolean).join(', ');
  const b = [e.actor2, e.assoc_actor_2].filter(Boolean).join(', ');
  if (a && b) return `${a} vs ${b}`;
  return a || (b ? `? vs ${b}` : '');
}

export function placeText(e) {
  const loc = e.location;
  if (!loc) return '';
  const parts = [loc.name, loc.admin1, loc.country].filter(Boolean);
  return [...new Set(parts)].join(', ');
}

function compare(a, b) {
  const col = COLUMNS.find((c) => c.key === sortKey);
  const va = col.value(a);
  const vb = col.value(b);
  // Missing values sort last whichever the direction.
  if (va === null && vb === null) return a.id < b.id ? -1 : 1;
  if (va === null) return 1;
  if (vb === null) return -1;
  const d = col.numeric ? va - vb : String(va).localeCompare(String(vb));
  return d !== 0 ? d * sortDir : a.id < b.id ? -1 : 1;
}

export function initTable(container, { open }) {
  host = container;
  onOpen = open;
}

export function setRows(events) {
  rows = events.slice();
  page = 0;
  render();
}

function sorted() {
  return rows.slice().sort(compare);
}

function focusRow(tr) {
  if (tr) tr.focus();
}

function rowKeydown(ev, tr) {
  if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    onOpen(tr.dataset.id, tr);
  } else if (ev.key === 'ArrowDown') {
    ev.preventDefault();
    focusRow(tr.nextElementSibling);
  } else if (ev.key === 'ArrowUp') {
    ev.preventDefault();
    focusRow(tr.previousElementSibling);
  } else if (ev.key === 'Home') {
    ev.preventDefault();
    focusRow(tr.parentElement.firstElementChild);
  } else if (ev.key === 'End') {
    ev.preventDefault();
    focusRow(tr.parentElement.lastElementChild);
  }
}

function headerCell(col) {
  const active = col.key === sortKey;
  const arrow = active ? (sortDir > 0 ? ' ▲' : ' ▼') : '';
  const button = h('button', {
    type: 'button',
    class: 'sort',
    'aria-label': `Sort by ${col.label.toLowerCase()}`,
    onclick: () => {
      if (sortKey === col.key) sortDir = -sortDir;
      else {
        sortKey = col.key;
        sortDir = col.numeric ? -1 : 1;
      }
      page = 0;
      render();
      host.querySelector(`th[data-key="${col.key}"] button`)?.focus();
    },
  }, col.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow));
  return h('th', {
    scope: 'col',
    class: col.numeric ? 'num' : null,
    'data-key': col.key,
    'aria-sort': active ? (sortDir > 0 ? 'ascending' : 'descending') : 'none',
  }, button);
}

function eventRow(e) {
  const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  sw.style.background = typeColor(e.acled?.event_type);
  const type = e.acled
    ? h('span', { class: 'type' }, sw, h('span', null, e.acled.sub_event_type),
      h('span', { class: 'muted' }, ` · ${e.acled.event_type}`))
    : h('span', { class: 'type muted' }, sw, e.plover?.type || 'uncoded');
  const srcLabel = e.n_outlets && e.n_outlets !== e.n_sources ? `${e.n_sources} (${e.n_outlets} outlets)` : String(e.n_sources ?? 1);
  const tr = h('tr', {
    tabindex: '0',
    'data-id': e.id,
    'aria-label': `${e.date || 'Undated'}, ${e.acled?.sub_event_type || 'event'}, ${placeText(e) || 'no place'}. Press Enter to open.`,
    onclick: () => onOpen(e.id, tr),
  },
  h('td', { class: 'date' }, e.date || h('span', { class: 'muted' }, 'undated')),
  h('td', null, type),
  h('td', { class: 'actors' }, actorsText(e) || h('span', { class: 'muted' }, '–')),
  h('td', { class: 'place' }, placeText(e) || h('span', { class: 'muted' }, '–')),
  h('td', { class: 'num' }, fmtNumber(e.fatalities)),
  h('td', { class: 'num' }, srcLabel));
  tr.addEventListener('keydown', (ev) => rowKeydown(ev, tr));
  return tr;
}

export function render() {
  if (!host) return;
  clear(host);
  const all = sorted();
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  page = Math.min(page, pages - 1);
  const slice = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const table = h('table', { class: 'events', 'aria-label': 'Events', 'aria-rowcount': String(all.length + 1) },
    h('thead', null, h('tr', null, COLUMNS.map(headerCell))),
    h('tbody', null, slice.map(eventRow)));
  const wrap = h('div', { class: 'table-scroll' }, table);
  if (!all.length) wrap.append(h('p', { class: 'empty' }, 'No events match these filters.'));
  const go = (p) => {
    page = Math.max(0, Math.min(pages - 1, p));
    render();
    host.querySelector('tbody tr')?.focus();
  };
  const pager = h('nav', { class: 'pager', 'aria-label': 'Table pages' },
    h('button', { type: 'button', onclick: () => go(page - 1), disabled: page === 0, 'aria-label': 'Previous page' }, '‹ Prev'),
    h('span', { 'aria-live': 'polite' }, all.length
      ? `${page * PAGE_SIZE + 1}–${page * PAGE_SIZE + slice.length} of ${all.length}` : '0 of 0'),
    h('button', { type: 'button', onclick: () => go(page + 1), disabled: page >= pages - 1, 'aria-label': 'Next page' }, 'Next ›'));
  host.append(wrap, pager);
}

export function markSelected(id) {
  if (!host) return;
  for (const tr of host.querySelectorAll('tbody tr')) {
    tr.classList.toggle('selected', tr.dataset.id === id);
    if (tr.dataset.id === id) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }
}
