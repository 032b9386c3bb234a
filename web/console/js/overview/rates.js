// Rates from the console's samples (GET /api/overview/history): the difference of consecutive
// totals over the time between them.

export function perSecond(samples, value) {
  const out = [null];
  for (let i = 1; i < samples.length; i += 1) {
    const a = value(samples[i - 1]);
    const b = value(samples[i]);
    const dt = (samples[i].t_ms - samples[i - 1].t_ms) / 1000;
    out.push(a === null || a === undefined || b === null || b === undefined || dt <= 0 ? null : Math.max(0, (b - a) / dt));
  }
  return out;
}

// The latest rate, over the last `window` samples so one quiet interval does not read as 0.
export function latestRate(samples, value, window = 3) {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1];
  const first = samples[Math.max(0, samples.length - 1 - window)];
  const a = value(first);
  const b = value(last);
  const dt = (last.t_ms - first.t_ms) / 1000;
  if (a === null || a === undefined || b === null || b === undefined || dt <= 0) return null;
  return Math.max(0, (b - a) / dt);
}

export function groupValue(group, field) {
  return (sample) => (sample.groups && sample.groups[group] ? sample.groups[group][field] : null);
}
