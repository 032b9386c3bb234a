// Short labels for the charts' value axes, and an axis wide enough for the longest: a fixed
// width cut "25,000" (ms) down to "0,000".

function trim(n) {
  return String(Number(n.toFixed(n < 10 ? 1 : 0)));
}

// Milliseconds as "850 ms", "2.5 s", "25 s", "4 min"; zero bare, as on the other axes.
export function shortMillis(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms === 0) return '0';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${trim(abs)} ms`;
  if (abs < 60000) return `${sign}${trim(abs / 1000)} s`;
  return `${sign}${trim(abs / 60000)} min`;
}

// Counts and rates as "7", "2.5", "12k", "1.5M".
export function shortCount(n) {
  if (n === null || n === undefined) return '';
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${trim(abs)}`;
  if (abs < 1e6) return `${sign}${trim(abs / 1000)}k`;
  return `${sign}${trim(abs / 1e6)}M`;
}

// Pixels a y axis needs for these labels: the tick, the gap and about 7 px a character of
// uPlot's 12 px font; never narrower than the 50 px the charts had.
export function axisSize(labels) {
  const longest = Math.max(0, ...(labels || []).map((label) => String(label ?? '').length));
  return Math.max(50, 18 + 7 * longest);
}

// uPlot's options for a value axis showing `format`ted labels.
export function valueAxis(format) {
  return {
    values: (_plot, ticks) => ticks.map(format),
    size: (_plot, labels) => axisSize(labels),
  };
}
