// /ui/clusters/kraft/all-topics/{topic}: partitions (leader, replicas, ISR, offsets) and config.
import { apiPath, getJson } from '../api.js';
import { h, link, replace, section, table } from '../dom.js';
import * as fmt from '../format.js';
import { paths } from '../paths.js';
import { errorBox, title, loading } from '../views.js';
import { topicTabs } from './topic-tabs.js';

const partitionColumns = [
  { label: 'Partition', class: 'num', cell: (p) => p.partition },
  { label: 'Leader', class: 'num', cell: (p) => (p.leader === null || p.leader < 0 ? 'none' : p.leader) },
  { label: 'Replicas', cell: (p) => p.replicas.join(', ') },
  {
    label: 'In sync', cell: (p) => h('span', { class: p.isr.length < p.replicas.length ? 'bad' : '' }, p.isr.join(', ')),
  },
  { label: 'Start offset', class: 'num', cell: (p) => fmt.int(p.start_offset) },
  { label: 'End offset', class: 'num', cell: (p) => fmt.int(p.end_offset) },
  { label: 'Messages', class: 'num', cell: (p) => fmt.int(p.messages) },
];

export default async function render(view, [name], page) {
  const body = h('div', null, loading());
  replace(view, h('p', { class: 'crumbs' }, link(paths.topics, 'Topics'), ' / ', name),
    title(name), topicTabs(name, 'overview'), body);
  page.every(10000, async () => {
    try {
      const topic = await getJson(apiPath('topics', name));
      const config = Object.entries(topic.config || {}).sort(([a], [b]) => a.localeCompare(b));
      const total = topic.partitions.reduce((n, p) => n + (p.messages || 0), 0);
      replace(body,
        section(`Partitions (${topic.partitions.length}, ${fmt.int(total)} messages)`,
          table(partitionColumns, topic.partitions)),
        section('Config', table([
          { label: 'Name', cell: ([k]) => k },
          { label: 'Value', cell: ([, v]) => h('code', null, v) },
        ], config)));
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
