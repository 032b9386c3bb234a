// /ui/groups: each consumer group's state, members and lag. The registry's election group
// never commits: it is named as such and shows no lag.
import { getJson } from '../api.js';
import { h, link, replace, table } from '../dom.js';
import * as fmt from '../format.js';
import { paths } from '../paths.js';
import { groupRole } from '../group-role.js';
import { errorBox, title, loading, badge } from '../views.js';

function groupCell(g) {
  const role = groupRole(g);
  return role ? h('span', null, link(paths.group(g.group), g.group), ' ', badge(role, 'info')) : link(paths.group(g.group), g.group);
}

const columns = [
  { label: 'Group', cell: groupCell },
  { label: 'State', cell: (g) => g.state },
  { label: 'Members', class: 'num', cell: (g) => fmt.int(g.members) },
  { label: 'Lag (messages)', class: 'num', cell: (g) => fmt.int(g.lag_messages) },
  { label: 'Lag (time)', class: 'num', cell: (g) => fmt.seconds(g.lag_seconds) },
];

export default async function render(view, _params, page) {
  const body = h('div', null, loading());
  replace(view, title('Consumer groups'), body);
  page.every(5000, async () => {
    try {
      const { groups } = await getJson('/api/groups');
      groups.sort((a, b) => a.group.localeCompare(b.group));
      replace(body, table(columns, groups, { empty: 'no consumer groups' }));
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
