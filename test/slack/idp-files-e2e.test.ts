import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.js';
import { eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  const fixtures = await loadCatalogue('test/fixtures/idp-files');
  if (fixtures.catalogue === undefined) throw new Error('the idp-files fixtures do not load');
  s = await startStack({ extra: fixtures.catalogue });
});
afterAll(async () => {
  await s.stop();
});

const USER = 'U0ALICE';
const blockIds = (viewId: string): string[] => {
  const blocks = s.slack.openViews(USER).find((v) => v.id === viewId)?.view.blocks;
  return Array.isArray(blocks) ? blocks.map((b) => String((b as { block_id?: unknown }).block_id)) : [];
};

describe('a Backstage template with choose-one selects, through Slack', () => {
  it('switches branches when the select changes, and runs with the chosen branch only', async () => {
    await s.slack.command({ command: '/idp', text: 'run deploy-preview', user: USER, channel: 'C0OPS' });
    const [view] = await eventually(
      () => s.slack.openViews(USER),
      (v) => v.length === 1,
    );
    if (view === undefined) throw new Error('no modal');
    expect(blockIds(view.id)).toContain('f:0:source.branch');

    await s.slack.fill(view.id, USER, {
      'f:0:source.__oneof_select': 'A pull request',
    });
    await eventually(
      () => blockIds(view.id),
      (ids) => ids.includes('f:0:source.pr') && !ids.includes('f:0:source.branch'),
    );

    const next = await s.slack.submitView(view.id, USER, {
      'f:0:name': 'pr-42',
      'f:0:source.__oneof_select': 'A pull request',
      'f:0:source.pr': 42,
    });
    expect(next.body).toMatchObject({ response_action: 'update' });
    await s.slack.fill(view.id, USER, {
      'f:1:__anyof_select2': 'For some hours',
    });
    await eventually(
      () => blockIds(view.id),
      (ids) => ids.includes('f:1:hours') && !ids.includes('f:1:until'),
    );
    await s.slack.submitView(view.id, USER, { 'f:1:__anyof_select2': 'For some hours', 'f:1:hours': 8 });

    const card = await eventually(
      () => s.slack.messages('C0OPS').find((m) => textOf(m).includes('Deploy a preview')),
      (m) => m !== undefined,
    );
    const text = textOf(card);
    expect(text).toContain('*Build from*\n`A pull request`');
    expect(text).toContain('Build from › Pull request number');
    expect(text).not.toContain('Branch');
  });
});
