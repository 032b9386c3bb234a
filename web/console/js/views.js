// Small pieces many pages draw: an error box, a page title, a "loading" line.
import { h } from './dom.js';

export function errorBox(error) {
  const code = error && error.code ? `${error.code}: ` : '';
  return h('div', { class: 'error', role: 'alert' }, code, (error && error.message) || String(error));
}

export function title(text, ...extra) {
  return h('div', { class: 'page-title' }, h('h1', null, text), ...extra);
}

export function loading() {
  return h('p', { class: 'muted' }, 'Loading…');
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}` }, text);
}
