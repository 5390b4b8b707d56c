// Stories: sequences of related events. Choosing one filters every view to its events and shows
// its page.
import { h, clear, fmtNumber, safeUrl } from './dom.js';
import { api } from './api.js';
import { placeText } from './table.js';

let host = null;
let onPick = () => {};
let onOpen = () => {};

export function initStories(el, { pick, open }) {
  host = el;
  onPick = pick;
  onOpen = open;
}

export function renderStories(stories, activeId) {
  pageSeq += 1;
  clear(host);
  if (!stories.length) {
    host.append(h('p', { class: 'empty' }, 'No stories yet: stories appear once related events are fused.'));
    return;
  }
  const list = h('ul', { class: 'stories', 'aria-label': 'Stories' });
  for (const s of stories) {
    const active = s.id === activeId;
    const dates = s.first_date && s.last_date && s.first_date !== s.last_date
      ? `${s.first_date} – ${s.last_date}` : s.first_date || 'undated';
    list.append(h('li', { class: active ? 'active' : null },
      h('button', {
        type: 'button',
        class: 'story',
        'aria-pressed': active ? 'true' : 'false',
        'data-story': s.id,
        onclick: () => onPick(active ? null : s.id),
      },
      h('span', { class: 'story-title' }, s.title || s.id),
      h('span', { class: 'story-meta' }, `${dates} · ${fmtNumber(s.n_events)} events · ${fmtNumber(s.n_articles)} articles`),
      (s.countries?.length || s.actors?.length)
        ? h('span', { class: 'story-meta muted' }, [...(s.countries || []), ...(s.actors || []).slice(0, 4)].join(' · '))
        : null)));
  }
  host.append(list);
}

// A story's own page (#tab=stories&story=ID): its events in date order, its actors and its sources.
// The same story id filters the map, timeline and table, so the page and the views agree.
let pageSeq = 0;

export async function renderStoryPage(id, summary) {
  pageSeq += 1;
  const mine = pageSeq;
  clear(host);
  const back = h('button', { type: 'button', class: 'story-back', onclick: () => onPick(null) }, '← All stories');
  const page = h('article', { class: 'story-page', 'data-story': id, 'aria-busy': 'true' }, back,
    h('h2', { class: 'story-page-title', tabindex: '-1' }, summary?.title || id));
  host.append(page);
  let events = [];
  try {
    const first = await api('events', { story: id, sort: 'date', limit: 1000 });
    events = first.events;
  } catch (err) {
    if (mine !== pageSeq) return;
    page.append(h('p', { class: 'error' }, `The story's events could not be loaded: ${err.message}`));
    return;
  }
  if (mine !== pageSeq) return;
  const dated = events.filter((e) => e.date || e.date_start);
  const first = summary?.first_date || dated[0]?.date;
  const last = summary?.last_date || dated[dated.length - 1]?.date;
  const killed = events.reduce((n, e) => n + (e.fatalities || 0), 0);
  page.append(h('p', { class: 'story-meta' },
    `${first && last && first !== last ? `${first} – ${last}` : first || 'undated'} · ${fmtNumber(events.length)} events · ${fmtNumber(killed)} reported killed`,
    summary?.countries?.length ? ` · ${summary.countries.join(', ')}` : ''));

  page.append(h('h3', null, 'Events, in date order'));
  page.append(h('ol', { class: 'story-events' }, events.map((e) => h('li', null, h('button', {
    type: 'button', class: 'story-event', 'data-id': e.id, onclick: (ev) => onOpen(e.id, ev.currentTarget),
  },
  h('span', { class: 'date' }, e.date || (e.date_start ? `${e.date_start} – ${e.date_end || '…'}` : 'undated')),
  h('span', null, e.acled?.sub_event_type || e.plover?.type || 'uncoded'),
  h('span', { class: 'muted' }, placeText(e) || 'no place'),
  e.fatalities ? h('span', { class: 'muted' }, `${fmtNumber(e.fatalities)} killed`) : null)))));

  const actors = new Map();
  for (const e of events) {
    for (const [key, inter] of [['actor1', e.inter1], ['actor2', e.inter2], ['assoc_actor_1', null], ['assoc_actor_2', null]]) {
      for (const name of String(e[key] || '').split(';').map((x) => x.trim()).filter(Boolean)) {
        const cur = actors.get(name) || { name, n: 0, inter };
        cur.n += 1;
        cur.inter = cur.inter ?? inter;
        actors.set(name, cur);
      }
    }
  }
  page.append(h('h3', null, `Actors (${actors.size})`));
  page.append(actors.size
    ? h('ul', { class: 'story-actors' }, [...actors.values()].sort((a, b) => b.n - a.n || a.name.localeCompare(b.name))
      .map((a) => h('li', null, a.name, h('span', { class: 'muted' }, ` · ${a.n} event${a.n === 1 ? '' : 's'}`))))
    : h('p', { class: 'muted' }, 'No actor named.'));

  const sources = new Map();
  for (const e of events) {
    for (const s of e.sources || []) {
      if (!sources.has(s.article_id)) sources.set(s.article_id, { ...s, events: new Set() });
      sources.get(s.article_id).events.add(e.id);
    }
  }
  const list = [...sources.values()].sort((a, b) => String(a.published || '').localeCompare(String(b.published || '')));
  page.append(h('h3', null, `Sources (${list.length})`));
  page.append(h('ul', { class: 'story-sources' }, list.map((s) => {
    const url = safeUrl(s.url);
    const title = s.title || s.article_id;
    return h('li', null,
      h('span', { class: 'outlet' }, s.source || 'unknown outlet'), ' ',
      url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, title) : h('span', null, title),
      h('span', { class: 'muted' }, ` · ${s.published || 'undated'} · ${s.events.size} event${s.events.size === 1 ? '' : 's'}`));
  })));
  page.removeAttribute('aria-busy');
  page.dataset.ready = 'true';
}
