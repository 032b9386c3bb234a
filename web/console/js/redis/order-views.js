// The order views per group: order counts (its stats pieces summed), a customer's aggregates, and the
// last audit result.
import { apiPath, getJson } from '../api.js';
import { h, keyValues, replace, table } from '../dom.js';
import * as fmt from '../format.js';
import { errorBox, badge } from '../views.js';

const groupColumns = [
  { label: 'Group', cell: (g) => g.group },
  { label: 'Orders', class: 'num', cell: (g) => fmt.int(g.orders) },
  { label: 'Duplicates', class: 'num', cell: (g) => fmt.int(g.duplicates) },
  { label: 'Dead-lettered', class: 'num', cell: (g) => fmt.int(g.dead) },
  { label: 'Customers', class: 'num', cell: (g) => fmt.int(g.customers) },
];

export async function drawGroupCounts(element) {
  try {
    const { groups } = await getJson('/api/redis/groups');
    replace(element, table(groupColumns, groups, { empty: 'no group has written yet' }));
  } catch (e) {
    replace(element, errorBox(e));
  }
}

export async function drawCustomer(element, customerId) {
  try {
    const c = await getJson(apiPath('redis', 'customers', customerId));
    replace(element, table([
      { label: 'Group', cell: ([g]) => g },
      { label: 'Orders', class: 'num', cell: ([, v]) => fmt.int(v.orders_count) },
      { label: 'Spent', class: 'num', cell: ([, v]) => `${(v.total_spent_cents / 100).toFixed(2)}` },
      { label: 'Order ids', cell: ([, v]) => v.orders.join(' ') },
    ], Object.entries(c.groups), { empty: 'no group has this customer' }));
  } catch (e) {
    replace(element, errorBox(e));
  }
}

export async function drawAudit(element) {
  try {
    const audit = await getJson('/api/audit');
    // The audit runs in the background: the first answer may have no result yet.
    const result = audit.computed_at_ms == null
      ? badge(audit.running ? 'running…' : 'not run', 'live')
      : (audit.clean ? badge('clean', 'good') : badge('not clean', 'bad'));
    const rows = [['Result', result], ['Computed', fmt.time(audit.computed_at_ms)]];
    if (audit.error) rows.push(['Last attempt', audit.error]);
    replace(element, keyValues(rows),
      h('pre', { class: 'json' }, (audit.lines || []).join('\n')));
  } catch (e) {
    replace(element, errorBox(e));
  }
}
