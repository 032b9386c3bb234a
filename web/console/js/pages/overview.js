// / : the whole flow on one page, redrawn every 2 s (the console samples every 2 s), with
// charts over the last minutes.
import { getJson } from '../api.js';
import { h, replace, section } from '../dom.js';
import * as fmt from '../format.js';
import { errorBox, title } from '../views.js';
import { healthList, pipeline } from '../overview/pipeline.js';
import { charts } from '../overview/charts.js';

export default async function render(view, _params, page) {
  const picture = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const health = h('div');
  const chartBox = h('div', { class: 'charts' });
  const stamp = h('span', { class: 'muted' });
  replace(view, title('Overview', stamp), picture, section('Health', health), section('Last minutes', chartBox));
  const plots = charts(chartBox);
  page.onLeave(plots.destroy);

  page.every(2000, async () => {
    try {
      const [overview, history] = await Promise.all([getJson('/api/overview'), getJson('/api/overview/history')]);
      if (!page.active) return;
      replace(picture, pipeline(overview, history.samples));
      replace(health, healthList(overview));
      stamp.textContent = `as of ${fmt.time(overview.generated_at_ms)}`;
      await plots.update(history.samples, overview.groups.map((g) => g.group));
    } catch (e) {
      replace(picture, errorBox(e));
    }
  });
}
