// One Redis key: its type, TTL and memory, and its value paged as the API pages it (hash and
// set by cursor, sorted set and list by offset).
import { apiPath, getJson } from '../api.js';
import { h, keyValues, replace, table } from '../dom.js';
import * as fmt from '../format.js';
import { errorBox } from '../views.js';

const kCount = 100;

function valueRows(type, value) {
  if (type === 'hash') return table([{ label: 'Field', cell: ([f]) => f }, { label: 'Value', cell: ([, v]) => h('code', null, v) }], value.fields, { empty: 'no fields' });
  if (type === 'set') return table([{ label: 'Member', cell: (m) => m }], value.members, { empty: 'no members' });
  if (type === 'zset') return table([{ label: 'Member', cell: ([m]) => m }, { label: 'Score', class: 'num', cell: ([, s]) => String(s) }], value.members, { empty: 'no members' });
  if (type === 'list') return table([{ label: 'Index', class: 'num', cell: ([i]) => i }, { label: 'Item', cell: ([, v]) => h('code', null, v) }], value.items.map((v, i) => [value.offset + i, v]), { empty: 'empty' });
  return h('pre', { class: 'json' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

// Where the next page starts, or null when this page is the last.
function nextPage(type, value) {
  if (type === 'hash' || type === 'set') return value.cursor && value.cursor !== '0' ? { cursor: value.cursor } : null;
  if (type === 'zset' || type === 'list') {
    const shown = type === 'list' ? value.items.length : value.members.length;
    const end = value.offset + shown;
    // The contract pages these by offset; it names only `cursor` as the parameter, so both go.
    return end < value.length ? { offset: end, cursor: end } : null;
  }
  return null;
}

export function keyValue() {
  const element = h('div', { id: 'redis-key' }, h('p', { class: 'muted' }, 'Pick a key to see its value.'));
  let current = null;

  const show = async (key, page = {}) => {
    current = { key, page };
    try {
      const k = await getJson(apiPath('redis', 'keys', key), { count: kCount, ...page });
      if (!current || current.key !== key) return;
      const more = nextPage(k.type, k.value);
      replace(element,
        h('h3', null, k.key),
        keyValues([['Type', k.type], ['TTL', fmt.ttl(k.ttl_seconds)], ['Memory', fmt.bytes(k.memory_bytes)]]),
        valueRows(k.type, k.value),
        h('div', { class: 'controls' },
          Object.keys(page).length ? h('button', { type: 'button', onclick: () => show(key) }, 'First page') : null,
          more ? h('button', { type: 'button', onclick: () => show(key, more) }, 'Next page') : null));
    } catch (e) {
      replace(element, h('h3', null, key), errorBox(e));
    }
  };
  return { element, show, refresh: () => current && show(current.key, current.page) };
}
