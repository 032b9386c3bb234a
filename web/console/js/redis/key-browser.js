// The Redis key browser: SCAN (never KEYS) with a pattern and a type filter. One page asks
// SCAN again until it holds kPageKeys keys or the scan is done (a selective pattern returns
// few keys per call), bounded by kCallsPerPage; "Next page" goes on from the cursor.
import { getJson } from '../api.js';
import { h, replace, table } from '../dom.js';
import * as fmt from '../format.js';
import { errorBox } from '../views.js';

const kPageKeys = 50;
const kCallsPerPage = 40;
const kCount = 500;
const types = ['', 'string', 'hash', 'list', 'set', 'zset', 'stream'];

export function keyBrowser({ onOpen }) {
  const pattern = h('input', { name: 'pattern', type: 'search', value: '*', 'aria-label': 'key pattern' });
  const type = h('select', { name: 'type', 'aria-label': 'key type' },
    types.map((t) => h('option', { value: t }, t || 'any type')));
  const next = h('button', { type: 'button', disabled: true }, 'Next page');
  const status = h('p', { class: 'muted' });
  const results = h('div', { id: 'redis-keys' });
  let cursor = '0';

  const columns = [
    { label: 'Key', cell: (k) => h('button', { type: 'button', class: 'linkish', onclick: () => onOpen(k.key) }, k.key) },
    { label: 'Type', cell: (k) => k.type },
    { label: 'TTL', class: 'num', cell: (k) => fmt.ttl(k.ttl_seconds) },
    { label: 'Memory', class: 'num', cell: (k) => fmt.bytes(k.memory_bytes) },
  ];

  const scanPage = async (from) => {
    status.textContent = 'Scanning…';
    next.disabled = true;
    const keys = [];
    let calls = 0;
    try {
      do {
        const answer = await getJson('/api/redis/keys', { pattern: pattern.value || '*', type: type.value, cursor: from, count: kCount });
        keys.push(...answer.keys);
        from = answer.cursor;
        calls += 1;
      } while (from !== '0' && keys.length < kPageKeys && calls < kCallsPerPage);
    } catch (e) {
      replace(results, errorBox(e));
      status.textContent = '';
      return;
    }
    cursor = from;
    next.disabled = cursor === '0';
    status.textContent = `${keys.length} key(s) on this page, ${calls} SCAN call(s)${cursor === '0' ? ', scan complete' : ', more remain'}`;
    replace(results, table(columns, keys, { empty: 'no key matches' }));
  };

  const form = h('form', { class: 'controls' }, pattern, type, h('button', { type: 'submit' }, 'Scan'), next);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    scanPage('0');
  });
  next.addEventListener('click', () => scanPage(cursor));
  return { element: h('div', null, form, status, results), scan: () => scanPage('0'), setPattern: (p) => { pattern.value = p; } };
}
