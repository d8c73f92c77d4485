import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium } from '../../src/sandbox/web/chromium.js';
import { startSandbox } from '../../src/sandbox/web/start-sandbox.js';

/** Where the browser tests leave their screenshots (gitignored). */
export const OUTPUT = 'test-output/browser';

export interface OpenSandbox {
  page: Page;
  url: string;
  /** Saves a numbered screenshot under test-output/browser/<name>/. */
  shot: (label: string) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * `npm start` in local mode, as the browser sees it: the bot, the Slack emulator, the Harness
 * simulator and the sandbox page, with a headless Chromium on the page.
 */
export async function openSandbox(name: string, speed = 50): Promise<OpenSandbox> {
  const sandbox = await startSandbox(speed, 15_000);
  const url = sandbox.url;
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const folder = path.join(OUTPUT, name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  let n = 0;
  return {
    page,
    url,
    shot: async (label) => {
      await page.screenshot({ path: path.join(folder, `${String(++n).padStart(2, '0')}-${label}.png`) });
    },
    stop: async () => {
      await browser.close();
      await sandbox.stop().catch(() => undefined);
      if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    },
  };
}

/** The open modal's input block for a field (block ids end in the field key). */
export function field(page: Page, key: string): Locator {
  return page.locator(`.modal .block-input[data-block-id$=":${key}"]`);
}

/** Types into an external select and picks the option the app offers with this label. */
export async function pick(page: Page, key: string, typed: string, label: string): Promise<void> {
  const box = field(page, key).locator('input.text-input');
  await box.click();
  await box.fill(typed);
  await field(page, key).locator('.menu-item', { hasText: label }).click();
}

/** Types a slash command in the message box of the open conversation. */
export async function slash(page: Page, line: string): Promise<void> {
  const box = page.locator('.composer-box');
  await box.fill(line);
  await box.press('Enter');
}

export async function actAs(page: Page, userId: string): Promise<void> {
  await page.locator('select.person').selectOption(userId);
}
