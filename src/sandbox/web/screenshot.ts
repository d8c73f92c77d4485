/**
 * `npm run screenshot`: regenerates the README's picture of the sandbox (docs/sandbox.png). Runs
 * the local sandbox, lets Alice scale payments-api and Bob approve it in a headless Chromium,
 * so the picture shows the run card edited to Succeeded, its thread with the approval card, the
 * simulated Harness's steps. A dev tool (playwright-core is a devDependency); run after
 * `npm run build`, from the repository root.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startSandbox } from './start-sandbox.js';

const OUT = 'docs/sandbox.png';

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function pick(page: Page, key: string, typed: string, label: string): Promise<void> {
  const box = page.locator(`.modal .block-input[data-block-id$=":${key}"] input.text-input`);
  await box.click();
  await box.fill(typed);
  await page.locator(`.modal .block-input[data-block-id$=":${key}"] .menu-item`, { hasText: label }).click();
}

async function openScaleForm(page: Page): Promise<void> {
  await page.locator('.composer-box').fill('/scale payments-api');
  await page.locator('.composer-box').press('Enter');
  await until(async () => (await page.locator('.modal').count()) === 1, 'the modal');
  const hash = await page.locator('.modal').getAttribute('data-hash');
  await pick(page, 'environment', 'prod', 'Production (prod)');
  await until(
    async () => (await page.locator('.modal').getAttribute('data-hash')) !== hash,
    'the view update',
  );
  await pick(page, 'infrastructure', '', 'k8s prod eu-west-1 (k8s_prod_eu)');
  await page
    .locator('.modal .block-input[data-block-id$=":workload"] input')
    .fill('payments/Deployment/payments-api');
}

async function main(): Promise<void> {
  const sandbox = await startSandbox(20);
  const browser = await launchChromium().catch(async (e: unknown) => {
    await sandbox.stop();
    throw e;
  });
  try {
    const url = sandbox.url;
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(url);
    await openScaleForm(page);
    await page.locator('.modal .block-input[data-block-id$=":replicas"] input').fill('4');
    await page.locator('.modal-submit').click();
    const card = page.locator('.messages .message', { hasText: 'Waiting for approval' });
    await until(async () => (await card.count()) > 0, 'the run card');
    await page.locator('select.person').selectOption('U0BOB');
    await card.locator('.replies').click();
    await page.locator('.thread button[data-action-id="idp_approval_approve"]').click();
    await page.locator('.confirm .btn-primary').click();
    const done2 = page.locator('.messages .message', { hasText: 'Scale a service · Succeeded' });
    await until(async () => (await done2.count()) > 0, 'Succeeded');
    await mkdir(path.dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT });
    process.stdout.write(`Wrote ${OUT}\n`);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}

await main();
