// /ui/groups/{group}: members with their assignment, and per partition the committed offset
// and lag in messages and seconds.
import { apiPath, getJson } from '../api.js';
import { h, keyValues, link, replace, section, table } from '../dom.js';
import * as fmt from '../format.js';
import { paths } from '../paths.js';
import { groupRole } from '../group-role.js';
import { errorBox, title, loading } from '../views.js';

const memberColumns = [
  { label: 'Client', cell: (m) => m.client_id },
  { label: 'Host', cell: (m) => m.host },
  { label: 'Assignment', cell: (m) => m.assignment.map((a) => `${a.topic}[${a.partition}]`).join(' ') },
  { label: 'Member id', cell: (m) => h('code', { class: 'small' }, m.member_id) },
];

const partitionColumns = [
  { label: 'Topic', cell: (p) => link(paths.topic(p.topic), p.topic) },
  { label: 'Partition', class: 'num', cell: (p) => p.partition },
  { label: 'Committed', class: 'num', cell: (p) => (p.committed_offset === null ? 'none' : fmt.int(p.committed_offset)) },
  { label: 'End offset', class: 'num', cell: (p) => fmt.int(p.end_offset) },
  { label: 'Lag (messages)', class: 'num', cell: (p) => fmt.int(p.lag_messages) },
  { label: 'Lag (time)', class: 'num', cell: (p) => fmt.seconds(p.lag_seconds) },
];

export default async function render(view, [name], page) {
  const body = h('div', null, loading());
  replace(view, h('p', { class: 'crumbs' }, link('/ui/groups', 'Groups'), ' / ', name), title(name), body);
  page.every(5000, async () => {
    try {
      const g = await getJson(apiPath('groups', name));
      const lag = g.partitions.reduce((n, p) => n + (p.lag_messages || 0), 0);
      const role = groupRole(g);
      replace(body,
        keyValues([['State', g.state], ['Assignor', g.assignor || '–'], ['Coordinator', String(g.coordinator ?? '–')],
          ['Members', fmt.int(g.members.length)],
          role ? ['Role', `${role}: elects the registry's writer, commits nothing, so no lag`] : ['Total lag', `${fmt.int(lag)} messages`]]),
        section('Members', table(memberColumns, g.members, { empty: 'no members' })),
        section('Partitions', table(partitionColumns, g.partitions, { empty: 'no committed offsets' })));
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
