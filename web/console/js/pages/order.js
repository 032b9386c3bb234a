// /ui/orders/{order_id}: the order's Kafka record beside what each group stored in Redis (the
// order hash, when, and the customer aggregate it counted into), and any dead letter for it.
import { apiPath, getJson } from '../api.js';
import { h, keyValues, replace, section } from '../dom.js';
import * as fmt from '../format.js';
import { messageView } from '../messages/message-view.js';
import { errorBox, title, loading, badge } from '../views.js';

function fieldsView(fields) {
  const pairs = Object.entries(fields || {});
  if (!pairs.length) return h('p', { class: 'muted' }, 'no fields');
  return keyValues(pairs.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function groupView(group, stored) {
  if (!stored) {
    return h('section', { class: 'card group-record missing', dataset: { group } },
      h('h2', null, group), badge('not stored', 'bad'),
      h('p', { class: 'muted' }, 'This group has not written the order to Redis (yet): a batch in progress, lag, or a dead letter.'));
  }
  return h('section', { class: 'card group-record', dataset: { group } },
    h('h2', null, group), badge('stored', 'good'),
    keyValues([['Key', stored.key], ['Stored at', fmt.time(stored.stored_at_ms)]]),
    h('h3', null, 'Order hash'), fieldsView(stored.fields),
    stored.customer
      ? [h('h3', null, 'Customer aggregate'), keyValues([['Key', stored.customer.key]]), fieldsView(stored.customer.fields)]
      : null);
}

export default async function render(view, [orderId], page) {
  const body = h('div', null, loading());
  const input = document.querySelector('#order-search input');
  if (input) input.value = orderId;
  replace(view, title('Order trace', h('code', { class: 'order-id' }, orderId)), body);
  page.every(5000, async () => {
    try {
      const trace = await getJson(apiPath('orders', orderId));
      const groups = Object.entries(trace.groups || {}).sort(([a], [b]) => a.localeCompare(b));
      replace(body, h('div', { class: 'trace' },
        section('Kafka record', trace.kafka ? messageView(trace.kafka, { open: true }) : h('p', { class: 'muted' }, 'not found in the topic')),
        h('div', { class: 'trace-groups' }, groups.map(([g, stored]) => groupView(g, stored)))),
      section(`Dead letters (${trace.dead_letters.length})`,
        trace.dead_letters.length ? h('div', { class: 'messages' }, trace.dead_letters.map((m) => messageView(m)))
          : h('p', { class: 'muted' }, 'none')));
      return groups.some(([, stored]) => !stored);  // asks again until every group stored it
    } catch (e) {
      replace(body, errorBox(e));
      return e.status !== 404;
    }
  });
}
