// The Messages tab's form: where to read from, which partition, key and text filters; turned
// into the query of GET /api/topics/{t}/messages (docs/console-api.md).
import { h } from '../dom.js';

export function queryForm(partitions, onSubmit) {
  const from = h('select', { name: 'from', 'aria-label': 'read from' },
    h('option', { value: 'newest' }, 'Newest first'),
    h('option', { value: 'beginning' }, 'From the beginning'),
    h('option', { value: 'offset' }, 'From offset'),
    h('option', { value: 'timestamp' }, 'From time'));
  const partition = h('select', { name: 'partition', 'aria-label': 'partition' },
    h('option', { value: '' }, 'All partitions'),
    partitions.map((p) => h('option', { value: String(p) }, `Partition ${p}`)));
  const offset = h('input', { name: 'offset', type: 'number', min: '0', placeholder: 'offset', 'aria-label': 'offset' });
  const when = h('input', { name: 'timestamp', type: 'datetime-local', step: '1', 'aria-label': 'time' });
  const key = h('input', { name: 'key', type: 'search', placeholder: 'key (exact)', 'aria-label': 'key' });
  const q = h('input', { name: 'q', type: 'search', placeholder: 'text in value or key', 'aria-label': 'text' });
  const limit = h('input', { name: 'limit', type: 'number', min: '1', max: '500', value: '50', 'aria-label': 'limit' });
  const form = h('form', { class: 'controls query' }, from, partition, offset, when, key, q,
    h('label', null, 'Limit ', limit), h('button', { type: 'submit' }, 'Show'));

  const sync = () => {
    // An offset means one partition's offset (the API refuses it without one).
    if (from.value === 'offset' && partition.value === '' && partitions.length) partition.value = String(partitions[0]);
    offset.hidden = from.value !== 'offset';
    when.hidden = from.value !== 'timestamp';
  };
  from.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit();
  });

  // The API's parameters for what the form says now; `filters` only (for the live tail).
  const read = () => {
    const params = { partition: partition.value, key: key.value, q: q.value, limit: limit.value };
    if (from.value === 'beginning') params.from = 'beginning';
    if (from.value === 'offset') params.offset = offset.value;
    if (from.value === 'timestamp' && when.value) params.timestamp = String(new Date(when.value).getTime());
    return params;
  };
  const filters = () => ({ partition: partition.value, key: key.value, q: q.value });
  return { form, read, filters, newestFirst: () => from.value === 'newest' };
}
