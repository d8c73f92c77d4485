import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, SCOPE } from '../helpers/harness.js';
import { answersFor, eventually, startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { SEED_LABELS_BY_PAGE } from '../helpers/seed.js';

const APPROVER: Record<string, 'bob' | 'carol' | 'dave' | undefined> = {
  rollback_service: 'bob',
  scale_service: 'bob',
  restart_service: 'carol',
  rotate_token: 'dave',
  provision_infrastructure: 'carol',
};

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

const labelsOf = (blocks: unknown): string[] =>
  (Array.isArray(blocks) ? (blocks as { type: string; label?: { text: string } }[]) : [])
    .filter((b) => b.type === 'input')
    .map((b) => b.label?.text ?? '');

describe.each(Object.keys(SEED_LABELS_BY_PAGE))(
  '%s, from slash command to the end of the run',
  (workflowId) => {
    it('opens the form, starts the pipeline, and reports every step to the card and thread', async () => {
      const wf = s.catalogue.workflows.get(workflowId);
      const binding = s.catalogue.bindings.get(workflowId);
      if (wf === undefined || binding?.command === undefined) throw new Error(workflowId);
      const channel = workflowId === 'onboard_service' ? 'C0DEV' : 'C0OPS';
      const before = s.slack.messages(channel).length;
      const values = JSON.parse(await readFile(`test/fixtures/values/${workflowId}.json`, 'utf8')) as Record<
        string,
        unknown
      >;

      const ack = await s.slack.command({ command: binding.command, user: 'U0ALICE', channel });
      expect(ack.status).toBe(200);
      const [view] = await eventually(
        () => s.slack.openViews('U0ALICE'),
        (v) => v.length === 1,
      );
      if (view === undefined) throw new Error('no view');
      for (const [page, labels] of (SEED_LABELS_BY_PAGE[workflowId] ?? []).entries()) {
        expect(labelsOf(s.slack.view(view.id).view.blocks)).toEqual(labels);
        const reply = await s.slack.submitView(view.id, 'U0ALICE', answersFor(wf, page, values));
        expect(reply.status).toBe(200);
        const body = reply.body as { response_action?: string; errors?: unknown };
        expect(body.errors).toBeUndefined();
        if (page < wf.pages.length - 1) expect(body.response_action).toBe('update');
      }
      expect(s.slack.openViews('U0ALICE')).toEqual([]);

      const cardTs =
        (
          await eventually(
            () => s.slack.messages(channel),
            (m) => m.length === before + 1,
          )
        ).at(-1)?.ts ?? '';
      const approver = APPROVER[workflowId];
      if (approver !== undefined) {
        await eventually(
          () => textOf(s.slack.channel(channel).messages.find((m) => m.ts === cardTs)),
          (t) => t.includes('Waiting for approval'),
        );
        const record = (await s.bot.deps.store.runs.open()).find((r) => r.cardTs === cardTs);
        const execution = await clientFor(s.sim).getExecution(record?.executionId ?? '', SCOPE);
        const approvalId =
          execution.steps.find((x) => x.approvalInstanceId !== undefined)?.approvalInstanceId ?? '';
        await clientFor(s.sim, approver).decideApproval(approvalId, { action: 'APPROVE', comments: 'ok' });
      }
      const card = await eventually(
        () => s.slack.channel(channel).messages.find((m) => m.ts === cardTs),
        (m) => textOf(m).includes('· Succeeded\nRequested'),
      );
      const text = textOf(card);
      expect(text).toContain(`*${wf.title}* · Succeeded`);
      expect(text).toContain('Requested by <@U0ALICE>');
      expect(text).toContain('Open in Harness');
      expect(text).not.toContain('Abort');
      // Every step Harness ran is on the card, in order.
      const executionId = /Harness execution `([^`]+)`/.exec(text)?.[1] ?? '';
      const execution = await clientFor(s.sim).getExecution(executionId, SCOPE);
      let at = 0;
      for (const step of execution.steps) {
        const next = text.indexOf(step.name, at);
        expect(next, `step ${step.name} on the card`).toBeGreaterThanOrEqual(0);
        at = next;
      }
      // The card never went backwards: once it showed the end, every later edit shows the same end.
      const versions = (s.slack.channel(channel).messages.find((m) => m.ts === cardTs)?.history ?? []).map(
        (h) => h.text,
      );
      const firstEnd = versions.findIndex((t) => t.endsWith(': Succeeded'));
      expect(firstEnd).toBeGreaterThan(0);
      expect(new Set(versions.slice(firstEnd))).toEqual(new Set([`${wf.title}: Succeeded`]));
      expect(versions[0]).toBe(`${wf.title}: Starting`);
      const finished = await eventually(
        () => s.slack.replies(channel, cardTs),
        (r) => r.some((m) => textOf(m).includes('finished')),
      );
      expect(finished.map(textOf).join('\n')).toContain(`*${wf.title}* finished: *Succeeded*`);
      if (approver !== undefined) {
        // The approval card in the thread follows the decision made in Harness: who, and no buttons
        // left (its edit is queued beside the run's end, so it may land just after the end's post).
        const thread = (
          await eventually(
            () => s.slack.replies(channel, cardTs),
            (r) => /: Approved\n/.test(r.map(textOf).join('\n')),
          )
        )
          .map(textOf)
          .join('\n');
        expect(thread).toMatch(/: Approved\n/);
        expect(thread).toMatch(/(Bob SRE|Carol SRE Lead|Dave Security) approved/);
        expect(thread).not.toContain('idp_approval_approve');
      }
    });
  },
);
