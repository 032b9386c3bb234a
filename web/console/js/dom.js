// Builds elements from values as text. Strings and numbers become text nodes, never markup:
// every value from Kafka or Redis goes through here (or textContent), so `<img onerror=…>`
// in a message shows as those characters.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  return append(el, children);
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A same-origin link the router follows without a reload.
export function link(path, ...children) {
  return h('a', { href: path }, ...children);
}

// columns: [{label, cell: row => child, class?}]. Wrapped so wide tables scroll on a phone.
export function table(columns, rows, { empty = 'nothing here', rowProps } = {}) {
  const head = h('tr', null, columns.map((c) => h('th', { class: c.class }, c.label)));
  const body = rows.length
    ? rows.map((row) => h('tr', rowProps ? rowProps(row) : null,
      columns.map((c) => h('td', { class: c.class, 'data-label': c.label }, c.cell(row)))))
    : [h('tr', null, h('td', { colspan: columns.length, class: 'muted' }, empty))];
  return h('div', { class: 'table-wrap' }, h('table', null, h('thead', null, head), h('tbody', null, body)));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function keyValues(pairs) {
  return h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

export function pre(text, cls) {
  return h('pre', { class: cls }, text);
}

export function healthDot(health) {
  const state = ['up', 'down', 'warn'].includes(health) ? health : 'unknown';
  return h('span', { class: `dot dot-${state}`, title: state, 'aria-label': state });
}
