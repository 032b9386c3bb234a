// A private pipeline on the shared stack for the browser test: its own topic, groups and
// registry (unique names, so other tests never see its data), the producer, the gateway, both
// consumers and `orderflow console`, each on a free port, each log kept to print when the test
// fails.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const binary = process.env.ORDERFLOW_BINARY || path.join(root, 'build/default/apps/orderflow/orderflow');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through ctest (fixture stack)`);
  return value;
}

async function waitForHttp(url, process_, deadlineMs, log) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (process_.exitCode !== null) throw new Error(`${url}: process exited ${process_.exitCode}\n${fs.readFileSync(log, 'utf8')}`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms\n${fs.readFileSync(log, 'utf8')}`);
}

class Pipeline {
  constructor() {
    this.topic = `orders-web-${crypto.randomBytes(5).toString('hex')}`;
    this.dlqTopic = `${this.topic}.dlq`;
    this.groups = { auto: `${this.topic}-auto`, batch: `${this.topic}-batch` };
    this.registryGroup = `registry-${this.topic}`;
    this.bootstrap = required('KAFKA_BOOTSTRAP_SERVERS');
    this.logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-console-'));
    this.processes = [];
    this.env = {
      ...process.env,
      ORDERFLOW_ENV_FILE: '/nonexistent',
      KAFKA_BOOTSTRAP_SERVERS: this.bootstrap,
      REDIS_URL: required('REDIS_URL'),
      ORDERS_TOPIC: this.topic,
      DLQ_TOPIC: this.dlqTopic,
      AUDIT_GROUPS: `${this.groups.auto},${this.groups.batch}`,
      FAILED_ORDERS_FILE: path.join(this.logDir, 'failed-orders.jsonl'),
      LOG_LEVEL: 'info',
    };
  }

  start(name, args, extraEnv) {
    const log = path.join(this.logDir, `${name}.log`);
    const out = fs.openSync(log, 'w');
    const child = spawn(binary, args, { env: { ...this.env, ...extraEnv }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.processes.push({ name, child, log });
    return { child, log };
  }

  async startRegistry() {
    const port = await freePort();
    const { child, log } = this.start('registry', ['registry'], {
      REGISTRY_LISTEN: `127.0.0.1:${port}`, REGISTRY_TOPIC: `_schemas-${this.topic}`, REGISTRY_GROUP: this.registryGroup,
    });
    this.env.SCHEMA_REGISTRY_URL = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.env.SCHEMA_REGISTRY_URL}/ready`, child, 90000, log);
  }

  async startConsumer(kind) {
    const port = await freePort();
    const { child, log } = this.start(`consumer-${kind}`, ['consume'], {
      AUTO_COMMIT: kind === 'auto' ? 'true' : 'false', CONSUMER_GROUP: this.groups[kind], METRICS_PORT: String(port),
    });
    this[`${kind}Url`] = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this[`${kind}Url`]}/metrics`, child, 90000, log);
  }

  // count orders, one every `interval`; resolves once the producer is listening.
  async startProducer(count, interval) {
    const port = await freePort();
    const { child, log } = this.start('producer', ['produce'], {
      PRODUCE_COUNT: String(count), PRODUCE_INTERVAL: interval, METRICS_PORT: String(port),
    });
    this.producer = child;
    this.producerUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.producerUrl}/metrics`, child, 90000, log);
  }

  // `orderflow gateway`, after the consumers (they create the topic it writes to).
  async startGateway() {
    const port = await freePort();
    const { child, log } = this.start('gateway', ['gateway'], {
      GATEWAY_LISTEN: `127.0.0.1:${port}`, GATEWAY_GROUPS: `${this.groups.auto},${this.groups.batch}`,
    });
    this.gatewayUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.gatewayUrl}/health`, child, 90000, log);
  }

  // One order through the gateway's API; resolves with its answer's JSON once it is 201.
  async placeOrder(customer) {
    const answer = await fetch(`${this.gatewayUrl}/v1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `${this.topic}-${customer}` },
      body: JSON.stringify({
        customer_id: customer, currency: 'EUR', shipping_country: 'DE',
        items: [{ sku: 'SKU-1001', name: 'Beans', quantity: 1, unit_price_cents: 1899 }],
      }),
      signal: AbortSignal.timeout(30000),
    });
    const body = await answer.text();
    if (answer.status !== 201) throw new Error(`the gateway answered ${answer.status}: ${body}`);
    return JSON.parse(body);
  }

  async startConsole() {
    const port = await freePort();
    const { child, log } = this.start('console', ['console'], {
      CONSOLE_LISTEN: `127.0.0.1:${port}`,
      CONSOLE_WEB_DIR: path.join(root, 'web/console'),
      CONSOLE_VENDOR_DIR: path.join(root, 'web/node_modules'),
      CONSOLE_PRODUCER_URL: this.producerUrl,
      CONSOLE_GATEWAY_URL: this.gatewayUrl,
      CONSOLE_CONSUMER_URLS: `${this.groups.auto}=${this.autoUrl},${this.groups.batch}=${this.batchUrl}`,
      REGISTRY_GROUP: this.registryGroup,
    });
    this.consoleUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.consoleUrl}/health`, child, 90000, log);
  }

  producerExited(deadlineMs) {
    if (this.producer.exitCode !== null) return Promise.resolve(this.producer.exitCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`producer still running after ${deadlineMs} ms`)), deadlineMs);
      this.producer.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  // Raw bytes that are no Avro at all: the consumers dead-letter them.
  producePoison(text) {
    execFileSync('kcat', ['-P', '-b', this.bootstrap, '-t', this.topic, '-k', 'poison'], { input: `${text}\n` });
  }

  logs() {
    return this.processes.map(({ name, log }) => `---- ${name} (${log})\n${fs.readFileSync(log, 'utf8').slice(-6000)}`).join('\n');
  }

  async stop() {
    await Promise.all(this.processes.map(({ child }) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    })));
  }
}

module.exports = { Pipeline };
