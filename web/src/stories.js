// Stories: sequences of related events. Choosing one filters every view to its events.
import { h, clear, fmtNumber } from './dom.js';

let host = null;
let onPick = () => {};

export function initStories(el, { pick }) {
  host = el;
  onPick = pick;
}

export function renderStories(stories, activeId) {
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
