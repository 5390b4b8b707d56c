// A compact multi-select for the filter bar: a button naming what is chosen, opening a list of
// checkboxes with a search box. Several values mean "any of these", as the API reads them.
// Options are {value, label, count?, group?, indent?}; a value chosen but not (yet) among the
// options is still listed, so a shared link never loses a filter.
import { h, clear, fmtNumber } from './dom.js';

const open = new Set();

document.addEventListener('click', (e) => {
  for (const ms of open) if (!ms.root.contains(e.target)) ms.close();
});

export class MultiSelect {
  constructor({ name, label, placeholder = 'any', onChange }) {
    this.name = name;
    this.label = label;
    this.placeholder = placeholder;
    this.onChange = onChange;
    this.options = [];
    this.values = [];
    const popId = `ms-${name}-pop`;
    this.button = h('button', {
      type: 'button', class: 'ms-button', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': popId,
    });
    this.search = h('input', { type: 'search', class: 'ms-search', placeholder: 'Find…', 'aria-label': `Find a ${label.toLowerCase()}` });
    this.list = h('div', { class: 'ms-options', role: 'group', 'aria-label': label });
    this.pop = h('div', { class: 'ms-pop', id: popId, hidden: true },
      this.search, this.list,
      h('div', { class: 'ms-actions' },
        h('button', { type: 'button', class: 'ms-clear', onclick: () => this.set([], true) }, 'Clear'),
        h('button', { type: 'button', class: 'ms-done', onclick: () => this.close(true) }, 'Done')));
    this.root = h('div', { class: 'field ms', 'data-name': name },
      h('span', { class: 'field-label' }, label), this.button, this.pop);
    this.button.addEventListener('click', () => (this.pop.hidden ? this.openPop() : this.close()));
    this.search.addEventListener('input', () => this.renderList());
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.pop.hidden) {
        e.preventDefault();
        e.stopPropagation();
        this.close(true);
      }
    });
    this.renderButton();
  }

  setOptions(options) {
    this.options = options;
    if (!this.pop.hidden) this.renderList();
  }

  // Values from the URL or a chip: shown, not reported back.
  set(values, notify = false) {
    this.values = [...new Set(values || [])];
    this.renderButton();
    if (!this.pop.hidden) this.renderList();
    if (notify) this.onChange(this.values.slice());
  }

  openPop() {
    for (const other of open) if (other !== this) other.close();
    this.pop.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    open.add(this);
    this.search.value = '';
    this.renderList();
    this.search.focus();
  }

  close(focus = false) {
    if (this.pop.hidden) return;
    this.pop.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    open.delete(this);
    if (focus) this.button.focus();
  }

  renderButton() {
    const vs = this.values;
    const labelOf = (v) => (this.options.find((o) => o.value === v)?.label || v);
    const text = !vs.length ? this.placeholder : vs.length <= 2 ? vs.map(labelOf).join(', ') : `${vs.length} chosen`;
    clear(this.button).append(h('span', { class: 'ms-text' }, text), h('span', { class: 'ms-caret', 'aria-hidden': 'true' }, '▾'));
    this.button.classList.toggle('chosen', vs.length > 0);
    this.button.setAttribute('aria-label', `${this.label}: ${vs.length ? vs.map(labelOf).join(', ') : 'any'}`);
    this.button.title = vs.length ? vs.map(labelOf).join(', ') : `Any ${this.label.toLowerCase()}`;
  }

  renderList() {
    clear(this.list);
    const needle = this.search.value.trim().toLowerCase();
    const known = new Set(this.options.map((o) => o.value));
    const options = [...this.values.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v })), ...this.options];
    let shown = 0;
    for (const o of options) {
      if (needle && !o.label.toLowerCase().includes(needle) && !(o.group || '').toLowerCase().includes(needle)) continue;
      const box = h('input', { type: 'checkbox', value: o.value });
      box.checked = this.values.includes(o.value);
      box.addEventListener('change', () => {
        const next = box.checked ? [...this.values, o.value] : this.values.filter((v) => v !== o.value);
        this.set(next, true);
      });
      this.list.append(h('label', { class: o.indent ? 'ms-option indent' : 'ms-option' }, box,
        h('span', { class: 'ms-label' }, o.label),
        o.count !== undefined ? h('span', { class: 'muted ms-count' }, fmtNumber(o.count)) : null));
      shown += 1;
    }
    if (!shown) this.list.append(h('p', { class: 'muted ms-none' }, needle ? 'No match' : 'No values in this store'));
  }
}
