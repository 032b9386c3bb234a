// Pure logic of the console's ES modules: which page a path draws, rates from consecutive
// totals, the CSV export's quoting, the batch line of the overview, the charts' axis labels,
// the registry's election group; and that no page imports the router.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { match } from '../../../web/console/js/routes.js';
import { paths } from '../../../web/console/js/paths.js';
import { axisSize, shortCount, shortMillis } from '../../../web/console/js/overview/axis.js';
import { groupRole } from '../../../web/console/js/group-role.js';
import { latestRate, perSecond, groupValue } from '../../../web/console/js/overview/rates.js';
import { csvCell, toCsv } from '../../../web/console/js/messages/export.js';
import { batchText } from '../../../web/console/js/overview/pipeline.js';
import { withQuery, apiPath } from '../../../web/console/js/api.js';

test('every documented page path has a route, with its segments decoded', () => {
  for (const path of ['/', '/ui/clusters/kraft/all-topics', '/ui/clusters/kraft/all-topics/orders',
    '/ui/clusters/kraft/all-topics/orders/messages', '/ui/brokers', '/ui/groups', '/ui/groups/orders-auto',
    '/ui/schemas', '/ui/schemas/orders-value', '/ui/redis', '/ui/orders/abc', '/ui/dlq']) {
    assert.ok(match(path), path);
  }
  assert.deepEqual(match('/ui/clusters/kraft/all-topics/orders.dlq/messages').params, ['orders.dlq']);
  assert.deepEqual(match(paths.order('a/b c')).params, ['a/b c']);
  assert.equal(match('/ui/nothing'), null);
  assert.equal(match('/ui/clusters/kraft/all-topics/a/b'), null);
});

test('API paths encode each segment and drop empty parameters', () => {
  assert.equal(apiPath('redis', 'keys', 'order:g:1/2'), '/api/redis/keys/order%3Ag%3A1%2F2');
  assert.equal(withQuery('/api/x', { partition: '', q: 'a b', limit: 50 }), '/api/x?q=a+b&limit=50');
});

test('rates are differences of consecutive totals over the time between them', () => {
  const samples = [{ t_ms: 0, delivered_total: 10 }, { t_ms: 2000, delivered_total: 14 },
    { t_ms: 4000, delivered_total: 14 }, { t_ms: 6000, delivered_total: null }];
  assert.deepEqual(perSecond(samples, (s) => s.delivered_total), [null, 2, 0, null]);
  assert.equal(latestRate(samples.slice(0, 3), (s) => s.delivered_total), 1);
  assert.equal(latestRate(samples.slice(0, 1), (s) => s.delivered_total), null);
  // A counter that restarted (the producer came back) never reads as a negative rate.
  assert.deepEqual(perSecond([{ t_ms: 0, delivered_total: 9 }, { t_ms: 1000, delivered_total: 1 }], (s) => s.delivered_total), [null, 0]);
  const g = groupValue('orders-auto', 'lag_messages');
  assert.equal(g({ groups: { 'orders-auto': { lag_messages: 3 } } }), 3);
  assert.equal(g({ groups: {} }), null);
});

test('CSV export quotes commas, quotes and new lines, and keeps raw values as text', () => {
  const csv = toCsv([
    { topic: 't', partition: 0, offset: 1, timestamp_ms: 5, key: 'a,b', schema_id: 1, schema_version: 2,
      value: { note: 'say "hi"' }, value_text: null, value_hex: null, decode_error: null, headers: [] },
    { topic: 't', partition: 1, offset: 2, timestamp_ms: 6, key: null, schema_id: null, schema_version: null,
      value: null, value_text: '<img src=x onerror=alert(1)>\nline', value_hex: null, decode_error: 'not Avro', headers: [['h', 'v']] },
  ]);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'topic,partition,offset,timestamp_ms,key,schema_id,schema_version,value,decode_error,headers');
  assert.equal(lines[1], 't,0,1,5,"a,b",1,2,"{""note"":""say \\""hi\\""""}",,[]');
  // A new line inside a value stays inside its quoted cell; records end with CRLF.
  assert.equal(lines[2], 't,1,2,6,,,,"<img src=x onerror=alert(1)>\nline",not Avro,"[[""h"",""v""]]"');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
});

test('CSV export neutralises cells a spreadsheet would run as formulas', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    // The cell may be quoted (for the CR); inside, it begins with the ' and then the character.
    assert.equal(csvCell(`${start}1`).replace(/^"/, '').startsWith(`'${start}1`), true, JSON.stringify(start));
  }
  assert.equal(csvCell('=1+2'), "'=1+2");
  assert.equal(csvCell('-5'), "'-5", 'text that looks like a number is still text');
  assert.equal(csvCell(-5), '-5', 'a number stays a number');
  assert.equal(csvCell('a=b'), 'a=b', 'only the first character counts');
  assert.equal(csvCell('\r=x'), `"'\r=x"`, 'neutralised, then quoted for its CR');
  const csv = toCsv([{ topic: 't', partition: 0, offset: 1, timestamp_ms: 5, key: '@SUM(A1)', schema_id: null,
    schema_version: null, value: null, value_text: '=cmd|" /C calc"!A0', value_hex: null, decode_error: null, headers: [] }]);
  assert.equal(csv.split('\r\n')[1], `t,0,1,5,'@SUM(A1),,,"'=cmd|"" /C calc""!A0",,[]`);
});

test('the batch line says how many are held and how many more it waits for', () => {
  assert.equal(batchText({ held: 7, size: 10 }), '7 of 10 held, waiting for 3 more');
  assert.equal(batchText({ held: 0, size: 10 }), 'batch of 10: none held');
  assert.equal(batchText(null), null);
});

test('the latency axis labels stay short: seconds past a second, minutes past a minute', () => {
  assert.equal(shortMillis(25000), '25 s');
  assert.equal(shortMillis(2500), '2.5 s');
  assert.equal(shortMillis(850), '850 ms');
  assert.equal(shortMillis(4.25), '4.3 ms');
  assert.equal(shortMillis(0), '0');
  assert.equal(shortMillis(240000), '4 min');
  assert.equal(shortMillis(null), '');
  assert.equal(shortCount(25000), '25k');
  assert.equal(shortCount(1500000), '1.5M');
  assert.equal(shortCount(2.5), '2.5');
  assert.equal(shortCount(-3), '-3');
});

test('a value axis is wide enough for its longest label', () => {
  assert.equal(axisSize(null), 50);
  assert.equal(axisSize(['0 ms', '5 s']), 50);
  // "25,000" was cut at 50 px; a longer label widens the axis instead.
  assert.ok(axisSize(['0', '25,000']) > 50);
  assert.ok(axisSize(['0', '12,345,678']) > axisSize(['0', '25,000']));
});

test('the registry election group is named as such; consumer groups have no role label', () => {
  assert.equal(groupRole({ group: 'orderflow-registry', role: 'registry-election' }), 'registry election group');
  assert.equal(groupRole({ group: 'orders-auto', role: 'consumer' }), null);
  assert.equal(groupRole({ group: 'orders-auto' }), null);
});

test('no module but the entry point imports the router or the route table', () => {
  const js = fileURLToPath(new URL('../../../web/console/js/', import.meta.url));
  const files = (dir) => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  const allowed = { 'main.js': ['router.js'], 'router.js': ['routes.js'] };
  const offenders = [];
  for (const file of files(js).filter((f) => f.endsWith('.js'))) {
    const name = relative(js, file);
    const imported = [...readFileSync(file, 'utf8').matchAll(/import\s[^'"]*['"]([^'"]+)['"]/g)]
      .map((m) => relative(js, join(dirname(file), m[1])))
      .filter((target) => target === 'router.js' || target === 'routes.js');
    for (const target of imported) {
      if (!(allowed[name] || []).includes(target)) offenders.push(`${name} imports ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});
