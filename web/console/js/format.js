// Numbers, sizes and times as people read them.

export function int(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

export function millis(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Number(ms).toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function seconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${Number(s).toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function rate(perSecond) {
  if (perSecond === null || perSecond === undefined || Number.isNaN(perSecond)) return '–';
  return `${perSecond.toFixed(perSecond < 10 ? 2 : 0)}/s`;
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

// Local time with milliseconds, e.g. 2026-12-01 12:31:16.042.
export function time(ms) {
  if (ms === null || ms === undefined || ms < 0) return '–';
  const d = new Date(Number(ms));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function ttl(s) {
  if (s === -1) return 'none';
  if (s === -2) return 'gone';
  return seconds(s);
}
