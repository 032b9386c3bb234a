// Export of the messages shown: JSON (the API's Message objects) or CSV (one row each, the
// value as JSON or raw text), downloaded from a Blob.
import { valueText } from './message-view.js';

const csvColumns = ['topic', 'partition', 'offset', 'timestamp_ms', 'key', 'schema_id', 'schema_version',
  'value', 'decode_error', 'headers'];

// A spreadsheet runs a cell that starts with one of these as a formula: such text gets a
// leading ' (OWASP's rule for CSV injection). Numbers stay numbers.
const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(v) {
  let text = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(messages) {
  const rows = messages.map((m) => [m.topic, m.partition, m.offset, m.timestamp_ms, m.key, m.schema_id,
    m.schema_version, valueText(m, false), m.decode_error, JSON.stringify(m.headers || [])].map(csvCell).join(','));
  return [csvColumns.join(','), ...rows].join('\r\n') + '\r\n';
}

export function toJson(messages) {
  return JSON.stringify(messages, null, 2) + '\n';
}

export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
