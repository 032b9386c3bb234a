// /ui/redis (the original's RedisInsight step): the key browser, a key's value, the order
// views per group, order and customer look-up, the audit; auto-refresh every 5 s.
import { h, replace, section } from '../dom.js';
import { paths } from '../paths.js';
import { title } from '../views.js';
import { keyBrowser } from '../redis/key-browser.js';
import { keyValue } from '../redis/key-value.js';
import { drawAudit, drawCustomer, drawGroupCounts } from '../redis/order-views.js';

export default async function render(view, _params, page, navigate) {
  const value = keyValue();
  const browser = keyBrowser({ onOpen: (key) => value.show(key) });
  const counts = h('div', { id: 'redis-groups' });
  const audit = h('div', { id: 'redis-audit' });
  const customer = h('div', { id: 'redis-customer' });
  const auto = h('input', { type: 'checkbox', id: 'auto-refresh', checked: true });

  const orderInput = h('input', { type: 'search', placeholder: 'order id', 'aria-label': 'order id', required: true });
  const orderForm = h('form', { class: 'controls' }, orderInput, h('button', { type: 'submit' }, 'Trace order'));
  orderForm.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(paths.order(orderInput.value.trim()));
  });
  const customerInput = h('input', { type: 'search', placeholder: 'customer id, e.g. cust-1', 'aria-label': 'customer id', required: true });
  const customerForm = h('form', { class: 'controls' }, customerInput, h('button', { type: 'submit' }, 'Look up customer'));
  customerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    drawCustomer(customer, customerInput.value.trim());
  });

  replace(view,
    title('Redis', h('label', { class: 'controls' }, auto, ' auto-refresh')),
    h('div', { class: 'columns' },
      section('Orders per group', counts),
      section('Look up', orderForm, customerForm, customer),
      section('Audit', audit)),
    h('div', { class: 'columns wide' },
      section('Keys', browser.element),
      section('Key', value.element)));

  browser.scan();
  let first = true;
  page.every(5000, async () => {
    if (!auto.checked && !first) return;
    await Promise.all([drawGroupCounts(counts), value.refresh()]);
  });
  page.every(30000, async () => {
    if (auto.checked || first) await drawAudit(audit);
    first = false;
  });
}
