// The pipeline as a picture: gateway and producer → orders → orders-auto / orders-batch → Redis,
// plus the DLQ, each part with its health, live rate and the figures that say whether it keeps up.
import { h, healthDot, keyValues, link } from '../dom.js';
import * as fmt from '../format.js';
import { paths } from '../paths.js';
import { groupValue, latestRate } from './rates.js';

function part(overview, name) {
  return overview.parts.find((p) => p.name === name) || { name, health: 'unknown', detail: 'not reported' };
}

function node({ heading, href, health, detail, rows, cls = '', data }) {
  return h('div', { class: `node ${cls}`, dataset: data },
    h('div', { class: 'node-head' }, healthDot(health), ' ', href ? link(href, heading) : heading),
    detail ? h('p', { class: 'muted small' }, detail) : null,
    keyValues(rows.filter(Boolean)));
}

export function batchText(batch) {
  if (!batch) return null;
  const waiting = Math.max(0, batch.size - batch.held);
  return batch.held ? `${batch.held} of ${batch.size} held, waiting for ${waiting} more` : `batch of ${batch.size}: none held`;
}

// Which consumer part reports a group: the console names it "consumer-" + the group without
// its "orders-" prefix (orders-auto: consumer-auto), else by the batch: consumer-batch/-auto.
function groupPart(overview, group) {
  const names = [`consumer-${group.group.replace(/^orders-/, '')}`, `consumer-${group.group}`];
  const named = overview.parts.find((p) => names.includes(p.name));
  return named || part(overview, group.batch ? 'consumer-batch' : 'consumer-auto');
}

function groupNode(overview, group, samples) {
  const p = groupPart(overview, group);
  const latency = group.latency_ms || {};
  return node({
    heading: group.group, href: paths.group(group.group), health: p.health, detail: p.detail,
    cls: 'group', data: { group: group.group },
    rows: [
      ['State', `${group.state}, ${group.members} member(s)`],
      ['Rate', fmt.rate(latestRate(samples, groupValue(group.group, 'applied_total')))],
      ['Lag', h('span', { class: 'lag' }, `${fmt.int(group.lag_messages)} msg · ${fmt.seconds(group.lag_seconds)}`)],
      ['Latency', `p50 ${fmt.millis(latency.p50)} · p99 ${fmt.millis(latency.p99)}`],
      ['Stored', `${fmt.int(group.applied_total)} (${fmt.int(group.duplicates_total)} dup, ${fmt.int(group.dead_lettered_total)} dead)`],
      group.batch ? ['Batch', h('span', { class: 'batch' }, batchText(group.batch))] : null,
    ],
  });
}

function arrow() {
  return h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→');
}

// The order API (orderflow gateway), when the console is told where it runs.
function gatewayNode(overview, samples) {
  const gateway = overview.gateway;
  if (!gateway) return null;
  const p = part(overview, 'gateway');
  const ack = gateway.ack_ms || {};
  return node({
    heading: 'gateway', health: p.health, detail: p.detail, cls: 'gateway',
    rows: [['Rate', fmt.rate(latestRate(samples, (s) => s.gateway_accepted_total))],
      ['Accepted', fmt.int(gateway.accepted_total)],
      ['4xx · 5xx', `${fmt.int(gateway.client_errors_total)} · ${fmt.int(gateway.server_errors_total)}`],
      ['To ack', `p50 ${fmt.millis(ack.p50)} · p99 ${fmt.millis(ack.p99)}`]],
  });
}

export function pipeline(overview, samples) {
  const producer = overview.producer || {};
  const orders = overview.topics.find((t) => !t.name.endsWith('.dlq')) || overview.topics[0] || { name: 'orders' };
  const dlq = overview.topics.find((t) => t !== orders) || { name: 'orders.dlq', messages: null };
  const kafka = part(overview, 'kafka');
  const registry = part(overview, 'registry');
  const redis = part(overview, 'redis');
  const p = part(overview, 'producer');
  return h('div', { class: 'pipeline', id: 'pipeline' },
    h('div', { class: 'stage' },
      gatewayNode(overview, samples),
      node({
        heading: 'producer', health: p.health, detail: p.detail, cls: 'producer',
        rows: [['Rate', fmt.rate(latestRate(samples, (s) => s.delivered_total))],
          ['Delivered', fmt.int(producer.delivered_total)], ['Failed', fmt.int(producer.failed_total)],
          ['In flight', fmt.int(producer.in_flight)]],
      }),
      node({ heading: 'registry', health: registry.health, detail: registry.detail, cls: 'registry small-node', rows: [], href: '/ui/schemas' })),
    arrow(),
    h('div', { class: 'stage' },
      node({
        heading: orders.name, href: paths.messages(orders.name), health: kafka.health, detail: kafka.detail, cls: 'topic',
        rows: [['Messages', fmt.int(orders.messages)]],
      })),
    arrow(),
    h('div', { class: 'stage groups' },
      overview.groups.map((g) => groupNode(overview, g, samples)),
      node({ heading: dlq.name, href: '/ui/dlq', health: dlq.messages ? 'warn' : 'up', cls: 'dlq', rows: [['Dead letters', fmt.int(dlq.messages)]] })),
    arrow(),
    h('div', { class: 'stage' },
      node({ heading: 'Redis', href: '/ui/redis', health: redis.health, detail: redis.detail, cls: 'redis', rows: [] })));
}

// Under supervisord (make up) a part says how often it was restarted and why it last ended.
function restarts(p) {
  if (!p.restarts && !p.last_exit) return '';
  return ` · restarts ${p.restarts || 0}${p.last_exit ? `, last exit: ${p.last_exit}` : ''}`;
}

export function healthList(overview) {
  const address = (url) => (/^https?:\/\//.test(url || '') ? h('a', { href: url, target: '_blank', rel: 'noopener' }, url) : url || '');
  return h('ul', { class: 'health' }, overview.parts.map((p) => h('li', null, healthDot(p.health), ' ',
    h('strong', null, p.name), ' ', p.health, p.detail ? ` · ${p.detail}` : '', restarts(p), p.url ? [' · ', address(p.url)] : null)));
}
