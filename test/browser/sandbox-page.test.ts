import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { actAs, field, openSandbox, pick, slash } from './sandbox-page.js';
import type { OpenSandbox } from './sandbox-page.js';

let open: OpenSandbox | undefined;
afterEach(async (ctx) => {
  // A failed test leaves what the page showed at that moment beside its other screenshots.
  if (ctx.task.result?.state === 'fail') await open?.shot('failure').catch(() => undefined);
  await open?.stop();
  open = undefined;
});

/** Alice fills in /scale payments-api: environment, then the infrastructure offered for it. */
async function fillScaleForm(page: Page): Promise<void> {
  await slash(page, '/scale payments-api');
  await expect.poll(() => page.locator('.modal-title').textContent()).toBe('Scale a service');
  const hash = await page.locator('.modal').getAttribute('data-hash');
  await pick(page, 'environment', 'prod', 'Production (prod)');
  // Picking the environment tells the app (dispatch_action), which updates the view.
  await expect.poll(() => page.locator('.modal').getAttribute('data-hash')).not.toBe(hash);
  await pick(page, 'infrastructure', '', 'k8s prod eu-west-1 (k8s_prod_eu)');
  await field(page, 'workload').locator('input').fill('payments/Deployment/payments-api');
}

function card(page: Page, text: string) {
  return page.locator('.messages .message', { hasText: text });
}

it('scales a service from the page: inline errors, then approval with a confirm dialog, to Succeeded', async () => {
  open = await openSandbox('scale-approved');
  const { page, shot } = open;
  await expect.poll(() => page.locator('.command-item').count()).toBe(0);
  await page.locator('.composer-box').fill('/sc');
  await expect(page.locator('.command-item').first().textContent()).resolves.toContain('/scale');
  await shot('command-suggestions');
  await fillScaleForm(page);
  await field(page, 'replicas').locator('input').fill('99');
  await shot('form-filled');
  await page.locator('.modal-submit').click();
  await expect
    .poll(() => field(page, 'replicas').locator('.input-error').textContent())
    .toContain('between 0 and 50');
  await shot('replicas-out-of-range');
  await field(page, 'replicas').locator('input').fill('4');
  await page.locator('.modal-submit').click();
  await expect.poll(() => page.locator('.modal').count(), { timeout: 10_000 }).toBe(0);
  await expect.poll(() => card(page, 'Waiting for approval').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await shot('waiting-for-approval');

  await actAs(page, 'U0BOB');
  // The approval card is posted in the run card's thread.
  await card(page, 'Waiting for approval').locator('.replies').click();
  const approve = page.locator('.thread button[data-action-id="idp_approval_approve"]');
  await approve.click();
  await expect.poll(() => page.locator('.confirm').count()).toBe(1);
  await shot('approve-confirm');
  await page.locator('.confirm .btn-primary').click();
  // The card itself (not only its approval step) reaches Succeeded, edited live.
  await expect.poll(() => card(page, 'Scale a service · Succeeded').count(), { timeout: 30_000 }).toBe(1);
  await expect(page.locator('.harness .execution .status').first().textContent()).resolves.toBe('Success');
  await shot('succeeded');
});

it('an approver rejects with a reason, and the card says so', async () => {
  open = await openSandbox('scale-rejected');
  const { page, shot } = open;
  await fillScaleForm(page);
  await field(page, 'replicas').locator('input').fill('3');
  await page.locator('.modal-submit').click();
  await expect.poll(() => card(page, 'Waiting for approval').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await actAs(page, 'U0CAROL');
  await card(page, 'Waiting for approval').locator('.replies').click();
  await page.locator('.thread button[data-action-id="idp_approval_reject"]').click();
  await expect.poll(() => page.locator('.modal').count(), { timeout: 10_000 }).toBe(1);
  await page.locator('.modal textarea').fill('Black Friday freeze: no scaling today');
  await shot('reject-reason');
  await page.locator('.modal-submit').click();
  const thread = page.locator('.thread .message', { hasText: 'Black Friday freeze' });
  await expect.poll(() => thread.count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => card(page, 'Scale a service · Rejected').count(), { timeout: 15_000 }).toBe(1);
  await shot('rejected');
});

it("a command in a private channel the bot is not in gets the bot's explanation, to the person only", async () => {
  open = await openSandbox('private-channel');
  const { page, shot } = open;
  await page.locator('.side-item', { hasText: 'incidents' }).click();
  await expect(page.locator('.pane-head').textContent()).resolves.toContain(
    'idp-chatops is not in this channel',
  );
  await slash(page, '/scale payments-api');
  const note = page.locator('.messages .ephemeral', { hasText: 'The bot cannot post in this conversation' });
  await expect.poll(() => note.count(), { timeout: 15_000 }).toBe(1);
  await expect(note.textContent()).resolves.toContain('Only visible to you');
  // Before any form: nothing would show the run's card here.
  await expect.poll(() => page.locator('.modal').count()).toBe(0);
  await expect(note.locator('code', { hasText: '/invite' }).textContent()).resolves.toBe(
    '/invite @idp-chatops',
  );
  await shot('bot-explains');
  // Bob is not in #incidents' story here: he sees no such note.
  await actAs(page, 'U0BOB');
  await page.locator('.side-item', { hasText: 'incidents' }).click();
  await expect.poll(() => page.locator('.messages .ephemeral').count()).toBe(0);
});

it('the App Home lists the workflows a person may run, and its button opens the workflow’s form', async () => {
  open = await openSandbox('app-home');
  const { page, shot } = open;
  await page.locator('.side-item', { hasText: 'Home' }).click();
  const start = page.locator('.pane button[data-action-id="idp_home_start:scale_service"]');
  await expect.poll(() => start.count(), { timeout: 15_000 }).toBe(1);
  await shot('home');
  await start.click();
  await expect
    .poll(() => page.locator('.modal-title').textContent(), { timeout: 10_000 })
    .toBe('Scale a service');
  await shot('home-opened-form');
});
