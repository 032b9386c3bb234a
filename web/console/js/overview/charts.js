// The overview's charts (uPlot from web/node_modules, served under /vendor/): orders per second,
// lag and end-to-end latency per group over the console's samples. A missing library leaves
// a note instead of charts; the rest of the page works without it.
import { h } from '../dom.js';
import { groupValue, perSecond } from './rates.js';
import { shortCount, shortMillis, valueAxis } from './axis.js';

const colors = ['#2f6fdf', '#d9822b', '#2c9d5b', '#b5439b', '#7a7a7a'];

let library = null;
async function uplot() {
  if (!library) library = import('/vendor/uplot/dist/uPlot.esm.js').then((m) => m.default);
  return library;
}

function seriesFor(samples, groups) {
  const xs = samples.map((s) => s.t_ms / 1000);
  const rate = [{ label: 'produced', data: perSecond(samples, (s) => s.delivered_total) },
    ...groups.map((g) => ({ label: `${g} stored`, data: perSecond(samples, groupValue(g, 'applied_total')) }))];
  const lag = groups.map((g) => ({ label: g, data: samples.map(groupValue(g, 'lag_messages')) }));
  const latency = groups.flatMap((g) => [
    { label: `${g} p50`, data: samples.map(groupValue(g, 'p50_ms')) },
    { label: `${g} p99`, data: samples.map(groupValue(g, 'p99_ms')) }]);
  return {
    xs,
    charts: [['Orders per second', rate, shortCount], ['Lag (messages)', lag, shortCount],
      ['End-to-end latency', latency, shortMillis]],
  };
}

export function charts(container) {
  const plots = new Map();
  // Each chart fills its grid cell; the cell's width, not the chart's, decides.
  const width = (box) => Math.max(220, box.clientWidth);
  const observer = new ResizeObserver(() => plots.forEach(({ plot, box }) => plot.setSize({ width: width(box), height: 180 })));
  observer.observe(container);

  const update = async (samples, groups) => {
    let UPlot;
    try {
      UPlot = await uplot();
    } catch {
      container.replaceChildren(h('p', { class: 'muted' }, 'Charts need uPlot (scripts/node-env.sh installs it).'));
      return;
    }
    const { xs, charts: wanted } = seriesFor(samples, groups);
    for (const [name, series, format] of wanted) {
      const data = [xs, ...series.map((s) => s.data)];
      const shape = series.map((s) => s.label).join('|');
      const known = plots.get(name);
      if (known && known.shape === shape) {
        known.plot.setData(data);
        continue;
      }
      if (known) known.plot.destroy();
      const box = known ? known.box : container.appendChild(h('div', { class: 'chart', 'aria-label': name }));
      const plot = new UPlot({
        title: name, width: width(box), height: 180,
        series: [{}, ...series.map((s, i) => ({
          label: s.label, stroke: colors[i % colors.length], width: 1.5, spanGaps: true, points: { show: false },
        }))],
        axes: [{}, valueAxis(format)],
      }, data, box);
      plots.set(name, { plot, shape, box });
    }
  };
  const destroy = () => {
    observer.disconnect();
    plots.forEach(({ plot }) => plot.destroy());
  };
  return { update, destroy };
}
