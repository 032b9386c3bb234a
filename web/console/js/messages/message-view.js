// One Kafka record as the console shows it everywhere (messages, DLQ, order trace): where it
// is, its key and schema, the decoded value as JSON, or the raw text/hex and why it did not
// decode. Every value is text.
import { h, keyValues } from '../dom.js';
import * as fmt from '../format.js';
import { badge } from '../views.js';

export function schemaLabel(m) {
  if (m.schema_id === null || m.schema_id === undefined) return 'no schema';
  const version = m.schema_version === null || m.schema_version === undefined ? '' : ` v${m.schema_version}`;
  return `${m.subject || 'schema'}${version} · id ${m.schema_id}`;
}

// The value as one line (for the list) and in full (when opened).
export function valueText(m, pretty) {
  if (m.value !== null && m.value !== undefined) return JSON.stringify(m.value, null, pretty ? 2 : 0);
  if (m.value_text !== null && m.value_text !== undefined) return m.value_text;
  if (m.value_hex !== null && m.value_hex !== undefined) return m.value_hex;
  return '(no value)';
}

function headersView(headers) {
  if (!headers || !headers.length) return h('p', { class: 'muted' }, 'no headers');
  return keyValues(headers.map(([k, v]) => [k, v]));
}

function rawKind(m) {
  if (m.value_text !== null && m.value_text !== undefined) return 'text';
  if (m.value_hex !== null && m.value_hex !== undefined) return 'hex';
  return '';
}

// extra: more of the summary line (the DLQ page puts the reason there).
export function messageView(m, { live = false, open = false, extra = null } = {}) {
  const failed = m.decode_error !== null && m.decode_error !== undefined;
  const summary = h('summary', null,
    h('span', { class: 'where' }, `p${m.partition} · #${m.offset}`),
    h('span', { class: 'when' }, fmt.time(m.timestamp_ms)),
    h('span', { class: 'key' }, m.key === null || m.key === undefined ? '(no key)' : m.key),
    failed ? badge(`not decoded (${rawKind(m)})`, 'bad') : badge(schemaLabel(m), 'info'),
    live ? badge('new', 'live') : null,
    extra,
    h('code', { class: 'value-line' }, valueText(m, false)));
  const details = h('details', {
    class: `message${failed ? ' undecoded' : ''}${live ? ' live' : ''}`,
    dataset: { partition: String(m.partition), offset: String(m.offset) },
    open,
  }, summary,
  h('div', { class: 'message-body' },
    failed ? h('p', { class: 'error' }, 'decode error: ', m.decode_error) : null,
    keyValues([
      ['Topic', m.topic], ['Partition', String(m.partition)], ['Offset', String(m.offset)],
      ['Timestamp', `${fmt.time(m.timestamp_ms)} (${m.timestamp_ms})`], ['Key', m.key ?? '(none)'],
      ['Schema', schemaLabel(m)], ['Size', fmt.bytes(m.size_bytes)],
    ]),
    h('h3', null, failed ? `Value (${rawKind(m)})` : 'Value'),
    h('pre', { class: 'json' }, valueText(m, true)),
    h('h3', null, 'Headers'),
    headersView(m.headers)));
  return details;
}
