// /ui/schemas/{subject}: one version's schema, and the line diff of two versions.
import { apiPath, getJson } from '../api.js';
import { h, keyValues, link, replace, section } from '../dom.js';
import { errorBox, title, loading } from '../views.js';

function versionSelect(versions, selected, label) {
  return h('select', { 'aria-label': label },
    versions.map((v) => h('option', { value: String(v), selected: v === selected }, `v${v}`)));
}

function diffView(diff) {
  const changed = diff.lines.filter((l) => l.op !== ' ').length;
  return h('div', null,
    h('p', { class: 'muted' }, changed ? `${changed} changed line(s)` : 'the two versions are the same'),
    h('pre', { class: 'diff' }, diff.lines.map((l) => h('span', {
      class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : '',
    }, `${l.op} ${l.text}\n`))));
}

export default async function render(view, [subject]) {
  const body = h('div', null, loading());
  replace(view, h('p', { class: 'crumbs' }, link('/ui/schemas', 'Schemas'), ' / ', subject), title(subject), body);
  let info;
  try {
    const { subjects } = await getJson('/api/subjects');
    info = subjects.find((s) => s.subject === subject);
    if (!info) throw Object.assign(new Error(`no subject ${subject}`), { code: 'not_found' });
  } catch (e) {
    replace(body, errorBox(e));
    return;
  }
  const versions = info.versions;
  const latest = versions[versions.length - 1];
  const pick = versionSelect(versions, latest, 'version');
  const schemaBox = h('div', null, loading());
  const from = versionSelect(versions, versions.length > 1 ? versions[versions.length - 2] : latest, 'diff from');
  const to = versionSelect(versions, latest, 'diff to');
  const diffBox = h('div');

  const showVersion = async () => {
    try {
      const v = await getJson(apiPath('subjects', subject, 'versions', pick.value));
      replace(schemaBox, keyValues([['Version', `v${v.version}`], ['Id', String(v.id)]]),
        h('pre', { class: 'json' }, JSON.stringify(v.schema, null, 2)));
    } catch (e) {
      replace(schemaBox, errorBox(e));
    }
  };
  const showDiff = async () => {
    try {
      replace(diffBox, diffView(await getJson(apiPath('subjects', subject, 'diff'), { from: from.value, to: to.value })));
    } catch (e) {
      replace(diffBox, errorBox(e));
    }
  };
  pick.addEventListener('change', showVersion);
  from.addEventListener('change', showDiff);
  to.addEventListener('change', showDiff);
  replace(body,
    keyValues([['Compatibility', info.compatibility || '–'], ['Versions', versions.join(', ')]]),
    section('Schema', h('div', { class: 'controls' }, h('label', null, 'Version ', pick)), schemaBox),
    section('Difference', h('div', { class: 'controls' }, h('label', null, 'From ', from), h('label', null, 'to ', to)), diffBox));
  await Promise.all([showVersion(), showDiff()]);
}
