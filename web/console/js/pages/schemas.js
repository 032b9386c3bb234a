// /ui/schemas: subjects with their versions, latest id and compatibility level.
import { getJson } from '../api.js';
import { h, link, replace, table } from '../dom.js';
import { paths } from '../paths.js';
import { errorBox, title, loading } from '../views.js';

const columns = [
  { label: 'Subject', cell: (s) => link(paths.schema(s.subject), s.subject) },
  { label: 'Versions', cell: (s) => s.versions.join(', ') },
  { label: 'Latest', cell: (s) => (s.latest ? `v${s.latest.version} (id ${s.latest.id})` : '–') },
  { label: 'Compatibility', cell: (s) => s.compatibility || '–' },
];

export default async function render(view) {
  const body = h('div', null, loading());
  replace(view, title('Schemas'), body);
  try {
    const { subjects } = await getJson('/api/subjects');
    subjects.sort((a, b) => a.subject.localeCompare(b.subject));
    replace(body, table(columns, subjects, { empty: 'no subjects' }));
  } catch (e) {
    replace(body, errorBox(e));
  }
}
