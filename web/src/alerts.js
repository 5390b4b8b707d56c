// Early warning (GET /api/alerts): this week's surges per country and admin1 against the weeks
// before, and actors seen for the first time. Every alert opens the list of the events behind it;
// each of those opens the event panel with its evidence.
import { h, clear, fmtNumber } from './dom.js';
import { api } from './api.js';
import { placeText } from './table.js';

let host = null;
let onOpen = () => {};
let loaded = false;

export function initAlerts(el, { open }) {
  host = el;
  onOpen = open;
}

const pct = (x) => (x === null || x === undefined ? 'new' : `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`);
const avg = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));

async function showEvents(target, ids, button) {
  const open = button.getAttribute('aria-expanded') === 'true';
  button.setAttribute('aria-expanded', open ? 'false' : 'true');
  clear(target);
  target.hidden = open;
  if (open) return;
  target.append(h('p', { class: 'muted' }, 'Loading…'));
  const events = (await Promise.all(ids.map((id) => api(`events/${encodeURIComponent(id)}`).catch(() => null))))
    .filter(Boolean)
    .sort((a, b) => String(a.date || '').localeCompare(String(b.date || '')));
  clear(target);
  if (!events.length) {
    target.append(h('p', { class: 'muted' }, 'Its events are no longer in the store.'));
    return;
  }
  target.append(h('ol', { class: 'alert-events' }, events.map((e) => h('li', null, h('button', {
    type: 'button', class: 'link', 'data-id': e.id, onclick: (ev) => onOpen(e.id, ev.currentTarget),
  }, `${e.date || 'undated'} · ${e.acled?.sub_event_type || e.plover?.type || 'event'} · ${placeText(e) || 'no place'}`,
  e.fatalities ? ` · ${fmtNumber(e.fatalities)} killed` : '')))));
}

function alertItem(title, detail, ids) {
  const list = h('div', { class: 'alert-list', hidden: true });
  const button = h('button', {
    type: 'button', class: 'alert', 'aria-expanded': 'false', 'data-events': String(ids.length),
  }, h('span', { class: 'alert-title' }, title), h('span', { class: 'story-meta muted' }, detail,
    ` · ${fmtNumber(ids.length)} event${ids.length === 1 ? '' : 's'}`));
  button.addEventListener('click', () => showEvents(list, ids, button));
  return h('li', null, button, list);
}

export async function loadAlerts({ force = false } = {}) {
  if (!host || (loaded && !force)) return;
  loaded = true;
  clear(host).append(h('p', { class: 'muted empty' }, 'Loading alerts…'));
  let res;
  try {
    res = await api('alerts');
  } catch (err) {
    loaded = false;
    clear(host).append(h('p', { class: 'empty error' }, `Alerts could not be loaded: ${err.message}`));
    return;
  }
  clear(host);
  const week = res.week ? `${res.week.start} – ${res.week.end}` : res.as_of;
  host.append(h('p', { class: 'alerts-head muted' }, `Week ${week}, against the 4 and 52 weeks before.`));
  const surges = res.surges || [];
  const actors = res.emerging_actors || [];
  host.append(h('h3', null, `Surges (${surges.length})`));
  if (surges.length) {
    host.append(h('ul', { class: 'alerts surges' }, surges.map((s) => alertItem(
      `${s.admin1 ? `${s.admin1}, ` : ''}${s.country}: ${s.measure} ${pct(s.change_4w)}`,
      `${fmtNumber(s.this_week)} this week; weekly average ${avg(s.avg_4w)} (4 weeks), ${avg(s.avg_52w)} (52 weeks)`,
      s.event_ids || []))));
  } else host.append(h('p', { class: 'muted' }, 'No surge this week.'));
  host.append(h('h3', null, `Emerging actors (${actors.length})`));
  if (actors.length) {
    host.append(h('ul', { class: 'alerts actors' }, actors.map((a) => alertItem(
      a.actor,
      `${a.scope === 'admin1' ? 'first seen in' : 'first seen'} ${[a.admin1, a.country].filter(Boolean).join(', ') || 'the store'} on ${a.first_seen}`,
      a.event_ids || []))));
  } else host.append(h('p', { class: 'muted' }, 'No new actor this week.'));
}
