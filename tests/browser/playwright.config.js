// One worker (the test owns one pipeline), Debian's chromium, no Playwright-downloaded browser.
const { defineConfig } = require('@playwright/test');

const artifacts = process.env.BROWSER_ARTIFACTS || `${__dirname}/../../build/default/tests/browser/browser-artifacts`;

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: /.*\.spec\.js$/,
  workers: 1,
  retries: 0,
  timeout: 420000,
  expect: { timeout: 30000 },
  outputDir: `${artifacts}/playwright`,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
