import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessageBlocks, LIMITS } from '../../blocks/limits.js';
import { manifestsWithSteps } from '../helpers/catalogue.js';
import { runUntilApproval } from '../helpers/approvals.js';
import { startStack, textOf } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';

/**
 * The approval card shows what the run found before the approval: the shipped pipelines as
 * they are (the IaCM plan, its policy check, the Jira ticket; /scale's current replica count),
 * plus a step of the test's own before /scale's approval that reports secrets and a long value.
 */
const REPORTING_STEP = `              - step:
                  type: ShellScript
                  name: Gather deploy facts
                  identifier: deploy_facts
                  timeout: 2m
                  spec:
                    shell: Bash
                    onDelegate: true
                    source:
                      type: Inline
                      spec:
                        script: echo facts
                    environmentVariables: []
                    outputVariables:
                      - name: db_password
                        type: String
                        value: db_password
                      - name: registry_credential
                        type: Secret
                        value: registry_credential
                      - name: change_window
                        type: String
                        value: change_window
`;

let s: Stack;
let dir: string;
beforeAll(async () => {
  dir = await manifestsWithSteps('scale_service', REPORTING_STEP);
  s = await startStack({ manifestsDir: dir });
});
afterAll(async () => {
  await s.stop();
  await rm(dir, { recursive: true, force: true });
});

const cardOf = (ts: string) => s.slack.channel('C0OPS').messages.find((m) => m.ts === ts);

describe('the approval card shows what the run found before the approval', () => {
  it('/scale: current → target replicas, from the step that reads the count; secrets redacted', async () => {
    const r = await runUntilApproval(s, 'scale_service');
    const text = textOf(cardOf(r.approvalCardTs));
    expect(text).toContain('Before this approval, the run found');
    // The seed runs payments-api with 3 replicas; the sample answer asks for 6.
    expect(text).toContain('*Target Replicas*: `3` → `6`');
    expect(text).toContain('*Read current replicas*: current_replicas `3`');
    expect(text).toContain('*Gather deploy facts*: db_password `••••••` · registry_credential `••••••`');
    expect(text).toContain('change_window `change_window-value`');
    expect(text).not.toContain('db_password-value');
    expect(text).not.toContain('*******');
  });

  it('IaCM: the plan’s add/change/destroy, the policy verdict and the Jira ticket; the long plan is cut with a link', async () => {
    const r = await runUntilApproval(s, 'provision_infrastructure');
    const execution = r.approval.execution;
    const plan = execution.steps.find((x) => x.step.identifier === 'plan')?.outcomes as {
      output: { outputVariables: Record<string, string> };
    };
    const counts = plan.output.outputVariables;
    const issue = (
      execution.steps.find((x) => x.step.identifier === 'jira_create')?.outcomes as {
        issue: { key: string; url: string };
      }
    ).issue;
    const message = cardOf(r.approvalCardTs);
    const text = textOf(message);
    expect(text).toContain(
      `*plan*: Plan \`${String(counts['plannedChanges.added'])} to add, ${String(counts['plannedChanges.changed'])} to change, ${String(counts['plannedChanges.deleted'])} to destroy\``,
    );
    expect(text).toContain('*Check plan policy*: status `pass`');
    expect(text).toContain(`*Create change ticket*: Issue <${issue.url}|${issue.key}>`);
    // The exported plan JSON is far longer than a card shows: a cut of it, and the whole plan in Harness.
    const planJson = (
      execution.steps.find((x) => x.step.identifier === 'export_plan')?.outcomes as {
        output: { outputVariables: { plan_json: string } };
      }
    ).output.outputVariables.plan_json;
    // At least one resource (the simulator's counts follow the execution id): over 400 characters,
    // twice what a card shows of one value.
    expect(planJson.length).toBeGreaterThan(400);
    expect(text).toContain('plan_json `{"format_version');
    expect(text).not.toContain(planJson.slice(0, 400));
    const run = (await s.bot.deps.store.runs.open()).find((x) => x.executionId === execution.id);
    expect(text).toContain(`<${String(run?.executionUrl)}|Full plan in Harness> (some output was cut here)`);
    expect(checkMessageBlocks(message?.blocks)).toEqual([]);
    const findings = (message?.blocks as { block_id?: string; text?: { text: string } }[]).find(
      (b) => b.block_id === 'approval_findings',
    );
    expect(Array.from(findings?.text?.text ?? '').length).toBeLessThanOrEqual(LIMITS.text);
  });
});
