// /ui/clusters/kraft/all-topics: every topic with partitions, RF, messages, size and
// under-replicated partitions; the name opens the topic.
import { getJson } from '../api.js';
import { h, link, replace, table } from '../dom.js';
import * as fmt from '../format.js';
import { paths } from '../paths.js';
import { errorBox, title, loading } from '../views.js';

const columns = [
  { label: 'Topic', cell: (t) => link(paths.topic(t.name), t.name) },
  { label: 'Partitions', class: 'num', cell: (t) => fmt.int(t.partitions) },
  { label: 'Replication factor', class: 'num', cell: (t) => fmt.int(t.replication_factor) },
  { label: 'Messages', class: 'num', cell: (t) => fmt.int(t.messages) },
  { label: 'Size', class: 'num', cell: (t) => fmt.bytes(t.size_bytes) },
  {
    label: 'Under-replicated', class: 'num',
    cell: (t) => h('span', { class: t.under_replicated ? 'bad' : '' }, fmt.int(t.under_replicated)),
  },
];

export default async function render(view, _params, page) {
  const filter = h('input', { type: 'search', placeholder: 'filter by name', 'aria-label': 'filter topics' });
  const internal = h('input', { type: 'checkbox', id: 'show-internal' });
  const body = h('div', null, loading());
  replace(view, title('Topics',
    h('div', { class: 'controls' }, filter, h('label', null, internal, ' show internal'))), body);

  let topics = [];
  const show = () => {
    const words = filter.value.trim().toLowerCase();
    const rows = topics
      .filter((t) => internal.checked || !t.internal)
      .filter((t) => !words || t.name.toLowerCase().includes(words))
      .sort((a, b) => a.name.localeCompare(b.name));
    replace(body, h('p', { class: 'muted' }, `${rows.length} of ${topics.length} topics`), table(columns, rows));
  };
  filter.addEventListener('input', show);
  internal.addEventListener('change', show);
  page.every(10000, async () => {
    try {
      topics = (await getJson('/api/topics')).topics;
      show();
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
