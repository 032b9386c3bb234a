// The original's "how to check" steps in our console, in headless Chromium while orders flow:
// all-topics -> the topic -> Messages (a decoded order, then a new one arriving live); the
// Redis page (an order hash of the batch group); an order trace; a poison message with HTML
// in it shown as text (no script runs); the overview with the gateway's accepted order and
// both groups at lag 0 once the producer stops; the registry's election group listed as such, without lag. A screenshot of
// each page goes to BROWSER_ARTIFACTS.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');
const { Pipeline } = require('./pipeline.js');

const artifacts = process.env.BROWSER_ARTIFACTS;
// + 1 order through the gateway + 1 poison message = 20: two full batches, so the batch group
// reaches lag 0.
const kOrders = 18;
const kPoison = '<img src=x onerror=alert(1)>';

let pipeline;
const dialogs = [];

test.beforeAll(async () => {
  test.setTimeout(300000);
  pipeline = new Pipeline();
  await pipeline.startRegistry();
  await Promise.all([pipeline.startConsumer('auto'), pipeline.startConsumer('batch')]);
  await Promise.all([pipeline.startProducer(kOrders, '1s'), pipeline.startGateway()]);
  await pipeline.startConsole();
});

test.afterAll(async () => {
  if (pipeline) await pipeline.stop();
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

test('the console shows the pipeline working, values only as text', async ({ page }, testInfo) => {
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => dialogs.push(`page error: ${error.message}`));
  try {
    const base = pipeline.consoleUrl;
    const { topic } = pipeline;

    // The original's step 2: all-topics -> orders -> Messages, orders arriving live.
    await page.goto(`${base}/ui/clusters/kraft/all-topics`);
    await page.getByRole('searchbox', { name: 'filter topics' }).fill(topic);
    const topicLink = page.getByRole('link', { name: topic, exact: true });
    await expect(topicLink).toBeVisible();
    const row = page.locator('tr', { has: topicLink });
    await expect(row.locator('td').nth(1)).toHaveText('5');  // partitions
    await expect(row.locator('td').nth(2)).toHaveText('3');  // replication factor
    await shot(page, 'topics');
    await topicLink.click();
    await expect(page).toHaveURL(`${base}/ui/clusters/kraft/all-topics/${topic}`);
    await expect(page.locator('h2', { hasText: 'Partitions (5' })).toBeVisible();
    await shot(page, 'topic');

    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await expect(page).toHaveURL(`${base}/ui/clusters/kraft/all-topics/${topic}/messages`);
    const decoded = page.locator('#messages details.message:not(.undecoded)').first();
    await expect(decoded).toBeVisible();
    await expect(decoded.locator('.value-line')).toContainText('"order_id"');
    await expect(decoded.locator('.badge.info')).toContainText(`${topic}-value`);
    await expect(page.locator('#live-state')).toHaveText('live');
    // A new order appears on top without a reload.
    const urlBefore = page.url();
    const live = page.locator('#messages details.message.live:not(.undecoded)').first();
    await expect(live).toBeVisible({ timeout: 60000 });
    await expect(live.locator('.value-line')).toContainText('"customer_id"');
    expect(page.url()).toBe(urlBefore);
    await live.locator('summary').click();
    await expect(live.locator('.message-body pre.json')).toContainText('"total_cents"');
    await shot(page, 'messages');

    // A poison message with HTML in it: shown as those characters, live, and nothing runs.
    pipeline.producePoison(kPoison);
    const poison = page.locator('#messages details.message.undecoded', { hasText: kPoison }).first();
    await expect(poison).toBeVisible({ timeout: 60000 });
    await expect(poison.locator('.value-line')).toHaveText(kPoison);
    await poison.locator('summary').click();
    await expect(poison.locator('.message-body .error')).toContainText('decode error');
    await expect(page.locator('#messages img')).toHaveCount(0);
    await shot(page, 'messages-poison');

    // Export what is shown (live tail off, so nothing arrives meanwhile): the same records, the
    // poison one still as its raw text.
    await page.locator('#live').uncheck();
    await expect(page.locator('#live-state')).toHaveText('off');
    const shownCount = await page.locator('#messages details.message').count();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    expect(exported.length).toBe(shownCount);
    expect(exported.some((m) => m.value_text === kPoison && m.value === null)).toBe(true);
    expect(exported.some((m) => m.value && m.value.order_id)).toBe(true);

    // The dead letter, its reason header, and the HTML still text.
    await page.locator('.nav').getByRole('link', { name: 'DLQ', exact: true }).click();
    const letter = page.locator('details.message', { hasText: kPoison }).first();
    await expect(letter).toBeVisible({ timeout: 60000 });
    await letter.locator('summary').click();
    await expect(letter.locator('.reason')).toBeVisible();
    await expect(letter.locator('dt', { hasText: 'dlq.reason' })).toBeVisible();
    await expect(page.locator('main img')).toHaveCount(0);
    await shot(page, 'dlq');
    // Redrive asks for confirmation, and this console has no CONSOLE_TOKEN: the server refuses.
    await page.locator('#dry-run').uncheck();
    await letter.getByRole('button', { name: 'Redrive', exact: true }).click();
    const confirm = page.locator('dialog.confirm');
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Redrive', exact: true }).click();
    await expect(page.locator('#redrive-answer .error')).toContainText('forbidden');

    // The overview: both groups at lag 0 once the producer has sent everything and one order
    // came through the gateway, which leads the pipeline with what it accepted.
    expect(await pipeline.producerExited(120000)).toBe(0);
    await pipeline.placeOrder('cust-web-gateway');
    await page.locator('.nav').getByRole('link', { name: 'Overview', exact: true }).click();
    await expect(page.locator('#pipeline')).toBeVisible();
    const gateway = page.locator('.node.gateway');
    await expect(gateway.locator('dt', { hasText: 'Accepted' })).toBeVisible();
    await expect(gateway.locator('dt:text-is("Accepted") + dd')).toHaveText('1', { timeout: 30000 });
    for (const group of Object.values(pipeline.groups)) {
      await expect(page.locator(`.node.group[data-group="${group}"] .lag`)).toHaveText(/^0 msg/, { timeout: 120000 });
    }
    await expect(page.locator(`.node.group[data-group="${pipeline.groups.batch}"] .batch`)).toContainText('of 10');
    await expect(page.locator('.charts .uplot')).toHaveCount(3);
    await shot(page, 'overview');

    for (const [name, url] of [['brokers', '/ui/brokers'], ['groups', '/ui/groups'], ['schemas', '/ui/schemas']]) {
      await page.goto(`${base}${url}`);
      await expect(page.locator('table tbody tr').first()).toBeVisible();
      await shot(page, name);
    }
    // The registry's election group commits nothing: named as such, no lag; the consumers keep theirs.
    await page.goto(`${base}/ui/groups`);
    const election = page.locator('table tbody tr', { hasText: pipeline.registryGroup });
    await expect(election.locator('.badge')).toHaveText('registry election group');
    await expect(election.locator('td.num').nth(1)).toHaveText('–');
    await expect(election.locator('td.num').nth(2)).toHaveText('–');
    const consumer = page.locator('table tbody tr', { hasText: pipeline.groups.batch });
    await expect(consumer.locator('.badge')).toHaveCount(0);
    await expect(consumer.locator('td.num').nth(1)).toHaveText('0');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    await expect(page.locator('#pipeline')).toBeVisible();
    await shot(page, 'overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The original's step 3 (RedisInsight): the batch group's order hashes in Redis.
    await page.locator('.nav').getByRole('link', { name: 'Redis', exact: true }).click();
    await expect(page).toHaveURL(`${base}/ui/redis`);
    // Every partition's order hashes: order:{<group>:<partition>:<n>}:<order id>.
    await page.getByRole('searchbox', { name: 'key pattern' }).fill(`order:{${pipeline.groups.batch}:*`);
    const firstKey = page.locator('#redis-keys tbody button.linkish').first();
    await expect(async () => {
      await page.getByRole('button', { name: 'Scan', exact: true }).click();
      await expect(firstKey).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 90000 });
    const key = await firstKey.textContent();
    expect(key.startsWith(`order:{${pipeline.groups.batch}:`)).toBe(true);
    await firstKey.click();
    const keyPanel = page.locator('#redis-key');
    await expect(keyPanel.locator('h3')).toHaveText(key);
    await expect(keyPanel.locator('td', { hasText: /^customer_id$/ })).toBeVisible();
    await expect(keyPanel.locator('td', { hasText: /^total_cents$/ })).toBeVisible();
    await expect(page.locator('#redis-groups td', { hasText: pipeline.groups.batch })).toBeVisible();
    await shot(page, 'redis');

    // The order trace, from the header's search box: Kafka record beside both groups' records.
    const orderId = key.slice(key.indexOf('}:') + 2);
    await page.getByRole('searchbox', { name: 'trace an order by id' }).fill(orderId);
    await page.getByRole('button', { name: 'Trace', exact: true }).click();
    await expect(page).toHaveURL(`${base}/ui/orders/${orderId}`);
    await expect(page.locator('.trace details.message .value-line')).toContainText(orderId);
    for (const group of Object.values(pipeline.groups)) {
      await expect(page.locator(`.group-record[data-group="${group}"] .badge.good`)).toHaveText('stored', { timeout: 60000 });
    }
    await shot(page, 'order-trace');

    expect(dialogs, 'no alert() and no script error on any page').toEqual([]);
  } catch (error) {
    await testInfo.attach('pipeline logs', { body: pipeline.logs(), contentType: 'text/plain' });
    console.log(pipeline.logs());
    throw error;
  }
});
