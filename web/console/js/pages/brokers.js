// /ui/brokers: id, address, controller, up/down.
import { getJson } from '../api.js';
import { h, healthDot, replace, table } from '../dom.js';
import { errorBox, title, loading, badge } from '../views.js';

const columns = [
  { label: 'Id', class: 'num', cell: (b) => b.id },
  { label: 'Address', cell: (b) => `${b.host}:${b.port}` },
  { label: 'Controller', cell: (b) => (b.controller ? badge('controller', 'info') : '') },
  { label: 'State', cell: (b) => [healthDot(b.up ? 'up' : 'down'), b.up ? ' up' : ' down'] },
];

export default async function render(view, _params, page) {
  const body = h('div', null, loading());
  replace(view, title('Brokers'), body);
  page.every(5000, async () => {
    try {
      const { brokers } = await getJson('/api/brokers');
      const up = brokers.filter((b) => b.up).length;
      replace(body, h('p', { class: 'muted' }, `${up} of ${brokers.length} brokers up`), table(columns, brokers));
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
