// The event panel: the fused event's fields, each with the words it was read from, and every
// source report with its article text and the evidence spans highlighted.
// Article text is untrusted: it only ever enters the page as text nodes (see highlight.js).
import { h, clear, fmtNumber, safeUrl } from './dom.js';
import { api } from './api.js';
import { typeColor } from './colors.js';
import { highlight } from './highlight.js';
import { actorsText, placeText } from './table.js';

const TIME_PRECISION = { 1: 'exact day', 2: 'within about a week', 3: 'within a month' };
const GEO_PRECISION = { 1: 'the place itself', 2: 'near the place / part of a region', 3: 'province or region' };

let panel = null;
let titleEl = null;
let body = null;
let origin = null;
let currentId = null;
let loadSeq = 0;
let hooks = { closed: () => {}, story: () => {} };

export function initPanel(el, callbacks) {
  panel = el;
  hooks = { ...hooks, ...callbacks };
  titleEl = el.querySelector('#panel-title');
  body = el.querySelector('.panel-body');
  el.querySelector('.panel-close').addEventListener('click', () => closePanel());
}

export function isOpen() {
  return panel && !panel.hidden;
}

export function currentEvent() {
  return currentId;
}

export function closePanel() {
  if (!isOpen()) return;
  panel.hidden = true;
  document.body.classList.remove('panel-open');
  currentId = null;
  loadSeq += 1;
  hooks.closed();
  const row = origin && origin.isConnected ? origin : null;
  origin = null;
  if (row) row.focus();
}

function evidenceFor(ev, ...fields) {
  return (ev.evidence || []).filter((x) => fields.includes(x.field));
}

function quoteButton(items) {
  if (!items.length) return null;
  return items.map((item) => h('button', {
    type: 'button',
    class: 'quote',
    title: `Show “${item.text}” in the article (${item.field})`,
    onclick: () => revealMark(item),
  }, `“${item.text}”`));
}

function revealMark(item) {
  const art = item.article_id
    ? panel.querySelector(`.source[data-article-id="${CSS.escape(item.article_id)}"]`)
    : panel.querySelector('.source');
  if (!art) return;
  const details = art.querySelector('details');
  if (details && !details.open) details.open = true;
  const find = () => art.querySelector(`mark[data-start="${item.start}"][data-end="${item.end}"]`);
  const go = (mark) => {
    const box = mark.closest('.article-text');
    if (box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
    art.scrollIntoView({ block: 'nearest' });
    mark.classList.remove('flash');
    void mark.offsetWidth;
    mark.classList.add('flash');
  };
  const mark = find();
  if (mark) go(mark);
  else art.addEventListener('fp-article-loaded', () => { const m = find(); if (m) go(m); }, { once: true });
}

function row(label, value, evidence) {
  return [
    h('dt', null, label),
    h('dd', null, h('span', { class: 'value' }, value ?? h('span', { class: 'muted' }, '–')),
      evidence && evidence.length ? h('span', { class: 'quotes' }, quoteButton(evidence)) : null),
  ];
}

function dateValue(ev) {
  if (!ev.date) return h('span', { class: 'muted' }, 'undated');
  const parts = [ev.date];
  if (ev.date_start && ev.date_end && (ev.date_start !== ev.date || ev.date_end !== ev.date)) {
    parts.push(` (between ${ev.date_start} and ${ev.date_end})`);
  }
  if (ev.time_precision) parts.push(` · ${TIME_PRECISION[ev.time_precision] || `precision ${ev.time_precision}`}`);
  return parts.join('');
}

function placeValue(ev) {
  const loc = ev.location;
  if (!loc) return null;
  const lines = [placeText(ev)];
  if (typeof loc.lat === 'number' && typeof loc.lon === 'number') {
    lines.push(` · ${loc.lat.toFixed(3)}, ${loc.lon.toFixed(3)}`);
  }
  if (loc.geo_precision) lines.push(` · ${GEO_PRECISION[loc.geo_precision] || `precision ${loc.geo_precision}`}`);
  if (loc.detail) lines.push(` · ${loc.detail}`);
  return lines.join('');
}

function casualtyValue(ev) {
  if (ev.fatalities === null || ev.fatalities === undefined) return null;
  let s = fmtNumber(ev.fatalities);
  const range = ev.fatalities_range;
  if (Array.isArray(range) && range.length === 2 && range[0] !== range[1]) {
    s += ` (sources say ${fmtNumber(range[0])}–${fmtNumber(range[1])}; the lowest is kept)`;
  }
  return s;
}

function fieldsSection(ev) {
  const dl = h('dl', { class: 'fields' },
    row('Event type', ev.acled ? `${ev.acled.event_type} › ${ev.acled.sub_event_type}` : null, evidenceFor(ev, 'trigger')),
    row('PLOVER', ev.plover ? [ev.plover.type, ev.plover.mode].filter(Boolean).join(' · ') : null),
    row('Actor 1', ev.actor1, evidenceFor(ev, 'actor1')),
    row('Actor 2', ev.actor2, evidenceFor(ev, 'actor2')),
    (ev.assoc_actor_1 || ev.assoc_actor_2)
      ? row('Associated', [ev.assoc_actor_1, ev.assoc_actor_2].filter(Boolean).join(' / '), evidenceFor(ev, 'assoc_actor_1', 'assoc_actor_2'))
      : null,
    row('Interaction', ev.acled?.interaction ?? null),
    row('Date', dateValue(ev), evidenceFor(ev, 'date')),
    row('Location', placeValue(ev), evidenceFor(ev, 'location')),
    row('Fatalities', casualtyValue(ev), evidenceFor(ev, 'fatalities')),
    row('Injured', ev.injured ?? null, evidenceFor(ev, 'injured')),
    row('Modality', ev.modality, evidenceFor(ev, 'claimed_by', 'modality')),
    row('Confidence', typeof ev.confidence === 'number' ? ev.confidence.toFixed(2) : null),
    row('Sources', `${ev.n_sources ?? 1} report${(ev.n_sources ?? 1) === 1 ? '' : 's'} from ${ev.n_outlets ?? 1} outlet${(ev.n_outlets ?? 1) === 1 ? '' : 's'}`),
    ev.story_id ? row('Story', h('button', {
      type: 'button', class: 'link', onclick: () => hooks.story(ev.story_id),
    }, 'Show this story’s events')) : null);
  return h('section', { class: 'panel-fields', 'aria-label': 'Coded fields' }, dl);
}

function sourcesOf(ev) {
  if (Array.isArray(ev.sources) && ev.sources.length) {
    const rep = ev.article?.article_id;
    return ev.sources.slice().sort((a, b) => (a.article_id === rep ? -1 : b.article_id === rep ? 1 : 0));
  }
  const a = ev.article || {};
  return [{ ...a, event_id: ev.id, evidence: ev.evidence || [] }];
}

function sourceEvidence(ev, src) {
  if (Array.isArray(src.evidence) && src.evidence.length) return src.evidence;
  return (ev.evidence || []).filter((x) => !x.article_id || x.article_id === src.article_id);
}

async function loadArticle(container, src, evidence, seq) {
  container.setAttribute('aria-busy', 'true');
  try {
    const art = await api(`articles/${encodeURIComponent(src.article_id)}`);
    if (seq !== loadSeq) return;
    clear(container);
    container.append(highlight(art.text || '', evidence));
    // Bring the event's sentence (else its first span) into view inside the text box.
    const first = container.querySelector('mark.ev-sentence') || container.querySelector('mark.ev');
    if (first) container.scrollTop = Math.max(0, first.offsetTop - 24);
    container.closest('.source')?.dispatchEvent(new CustomEvent('fp-article-loaded'));
  } catch (err) {
    if (seq !== loadSeq) return;
    clear(container).append(h('p', { class: 'error' }, `Could not load the article: ${err.message}`));
  } finally {
    container.removeAttribute('aria-busy');
  }
}

function sourceBlock(ev, src, index, seq) {
  const url = safeUrl(src.url);
  const outlet = src.source || 'unknown outlet';
  const title = src.title || '(untitled)';
  const evidence = sourceEvidence(ev, src);
  const textBox = h('div', { class: 'article-text', tabindex: '0', 'aria-label': `Text of “${title}”` },
    h('p', { class: 'muted' }, 'Loading article…'));
  const details = h('details', null,
    h('summary', null, `Article text, ${evidence.filter((x) => x.field !== 'sentence').length} evidence spans highlighted`),
    textBox);
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (details.open && !loaded) {
      loaded = true;
      loadArticle(textBox, src, evidence, seq);
    }
  });
  const meta = [src.published ? `published ${src.published}` : null,
    src.date && src.date !== ev.date ? `says ${src.date}` : null,
    src.fatalities !== undefined && src.fatalities !== null ? `${src.fatalities} killed` : null,
    typeof src.confidence === 'number' ? `confidence ${src.confidence.toFixed(2)}` : null].filter(Boolean).join(' · ');
  const block = h('article', { class: 'source', 'data-article-id': src.article_id || '' },
    h('header', null,
      h('div', { class: 'outlet' }, outlet, index === 0 && (ev.sources?.length || 0) > 1 ? h('span', { class: 'badge' }, 'representative') : null),
      h('div', { class: 'src-title' }, url
        ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', title: url }, title)
        : title),
      meta ? h('div', { class: 'muted small' }, meta) : null,
      !url && src.url ? h('div', { class: 'muted small' }, `link not shown (not http): ${src.url}`) : null),
    details);
  if (index === 0) {
    details.open = true;
    loaded = true;
    loadArticle(textBox, src, evidence, seq);
  }
  return block;
}

function legendBlock() {
  const items = [['trigger', 'what happened'], ['actor', 'actors'], ['date', 'date'], ['location', 'place'],
    ['casualty', 'casualties'], ['other', 'other'], ['sentence', 'sentence']];
  return h('p', { class: 'mark-legend', 'aria-label': 'Highlight colours' },
    items.map(([c, label]) => h('mark', { class: `ev ev-${c} legend-mark` }, label)));
}

function render(ev, seq) {
  clear(body);
  const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  sw.style.background = typeColor(ev.acled?.event_type);
  clear(titleEl).append(sw, ev.acled?.sub_event_type || ev.plover?.type || 'Event',
    h('span', { class: 'muted' }, ` · ${ev.date || 'undated'}`));
  const sub = h('p', { class: 'panel-sub' }, [actorsText(ev), placeText(ev)].filter(Boolean).join(' · ') || 'No actors or place coded');
  const sources = sourcesOf(ev);
  body.append(sub, fieldsSection(ev),
    h('section', { class: 'panel-sources', 'aria-label': 'Sources' },
      h('h3', null, `Sources (${sources.length})`), legendBlock(),
      sources.map((src, i) => sourceBlock(ev, src, i, seq))));
  body.scrollTop = 0;
}

export async function openPanel(id, originEl) {
  if (!panel) return;
  origin = originEl || (document.activeElement !== document.body ? document.activeElement : null);
  currentId = id;
  const seq = ++loadSeq;
  panel.hidden = false;
  document.body.classList.add('panel-open');
  panel.dataset.eventId = id;
  clear(titleEl).append('Loading event…');
  clear(body);
  titleEl.focus();
  try {
    const ev = await api(`events/${encodeURIComponent(id)}`);
    if (seq !== loadSeq) return null;
    render(ev, seq);
    titleEl.focus();
    return ev;
  } catch (err) {
    if (seq !== loadSeq) return null;
    clear(titleEl).append('Event not available');
    body.append(h('p', { class: 'error' }, err.message));
    return null;
  }
}
