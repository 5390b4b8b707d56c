// Evidence spans highlighted in article text, built from text nodes and <mark> elements only.
// Spans nest (a trigger inside its sentence); a span that crosses another is cut in two at the
// boundary and both parts are flagged. A span that nests cleanly is ONE <mark> whose text is
// exactly its evidence text.

const CATEGORY = {
  sentence: 'sentence', trigger: 'trigger', actor1: 'actor', actor2: 'actor', assoc_actor_1: 'actor',
  assoc_actor_2: 'actor', date: 'date', location: 'location', fatalities: 'casualty', injured: 'casualty',
};

export function spanCategory(fields) {
  const cats = fields.map((f) => CATEGORY[f] || 'other');
  const nonSentence = cats.filter((c) => c !== 'sentence');
  return nonSentence.length ? nonSentence[0] : 'sentence';
}

export function normaliseSpans(text, evidence) {
  const byRange = new Map();
  for (const ev of evidence || []) {
    if (!ev || !Number.isInteger(ev.start) || !Number.isInteger(ev.end)) continue;
    const start = Math.max(0, ev.start);
    const end = Math.min(text.length, ev.end);
    if (end <= start) continue;
    const key = `${start}:${end}`;
    const field = String(ev.field || 'evidence');
    const cur = byRange.get(key);
    if (cur) {
      if (!cur.fields.includes(field)) cur.fields.push(field);
    } else {
      byRange.set(key, { start, end, fields: [field], partial: false });
    }
  }
  return sortSpans([...byRange.values()]);
}

function sortSpans(spans) {
  return spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
}

function makeMark(span, text) {
  const mark = document.createElement('mark');
  const category = spanCategory(span.fields);
  const label = span.fields.join(', ');
  mark.className = `ev ev-${category}${span.partial ? ' ev-partial' : ''}`;
  mark.dataset.field = label;
  mark.dataset.start = String(span.start);
  mark.dataset.end = String(span.end);
  mark.title = span.partial ? `${label} (span continues)` : label;
  return mark;
}

function build(parent, text, from, to, spans) {
  let pos = from;
  let rest = spans;
  while (rest.length) {
    const [s, ...others] = rest;
    if (s.start > pos) parent.append(document.createTextNode(text.slice(pos, s.start)));
    const inner = [];
    const after = [];
    for (const t of others) {
      if (t.start >= s.end) after.push(t);
      else if (t.end <= s.end) inner.push(t);
      else {
        inner.push({ ...t, end: s.end, partial: true });
        after.push({ ...t, start: s.end, partial: true });
      }
    }
    const mark = makeMark(s, text);
    build(mark, text, s.start, s.end, sortSpans(inner));
    parent.append(mark);
    pos = Math.max(pos, s.end);
    rest = sortSpans(after);
  }
  if (pos < to) parent.append(document.createTextNode(text.slice(pos, to)));
}

export function highlight(text, evidence) {
  const frag = document.createDocumentFragment();
  const safeText = typeof text === 'string' ? text : '';
  build(frag, safeText, 0, safeText.length, normaliseSpans(safeText, evidence));
  return frag;
}
