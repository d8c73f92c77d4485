import type { KnownBlock } from '@slack/types';
import type { ExecutionView } from '../src/harness-model/types.js';
import { elapsed, statusEmoji, statusLabel } from './format.js';
import { ABORT_RUN_ACTION_ID, OPEN_IN_HARNESS_ACTION_ID } from './ids.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, oneLine, plain, quoteValue, truncate } from './text.js';

export interface RunCardInput {
  runId: string;
  workflowTitle: string;
  requesterId: string;
  /** Labelled answers, secrets already redacted. */
  inputs: { label: string; value: string }[];
  /** Harness's status, or `starting` / `not_started` before Harness has one. */
  status: string;
  bucket: string;
  execution: ExecutionView | undefined;
  executionUrl: string | undefined;
  /** Why the run could not start, or that Harness is unreachable for now. */
  note: string | undefined;
  terminal: boolean;
  now: number;
}

/** The one live status card of a run: a pure function of what is known about it. */
export function buildRunCard(c: RunCardInput): { text: string; blocks: KnownBlock[] } {
  const headline = `${statusEmoji(c.bucket, c.status)} *${escapeMrkdwn(c.workflowTitle)}* · ${statusLabel(c.status)}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'run_head',
      text: mrkdwn(`${headline}\nRequested by <@${c.requesterId}>`, LIMITS.text),
    },
  ];
  if (c.inputs.length > 0) {
    const fields = c.inputs
      .slice(0, LIMITS.sectionFields)
      .map((i) => mrkdwn(`*${escapeMrkdwn(i.label)}*\n${quoteValue(i.value, 300)}`, LIMITS.sectionField));
    blocks.push({ type: 'section', block_id: 'run_inputs', fields });
    if (c.inputs.length > LIMITS.sectionFields) {
      const rest = c.inputs
        .slice(LIMITS.sectionFields)
        .map((i) => `*${escapeMrkdwn(i.label)}:* ${quoteValue(i.value, 200)}`)
        .join(' · ');
      blocks.push({ type: 'context', block_id: 'run_inputs_more', elements: [mrkdwn(rest, LIMITS.text)] });
    }
  }
  const progress = progressText(c.execution, c.now);
  if (progress !== undefined)
    blocks.push({ type: 'section', block_id: 'run_steps', text: mrkdwn(progress, LIMITS.text) });
  if (c.note !== undefined)
    blocks.push({
      type: 'section',
      block_id: 'run_note',
      text: mrkdwn(`:warning: ${escapeMrkdwn(oneLine(c.note))}`, LIMITS.text),
    });
  const buttons = [];
  if (c.executionUrl !== undefined) {
    buttons.push({
      type: 'button' as const,
      action_id: OPEN_IN_HARNESS_ACTION_ID,
      text: plain('Open in Harness', LIMITS.buttonText),
      url: truncate(c.executionUrl, LIMITS.url),
    });
  }
  if (!c.terminal && c.execution !== undefined) {
    buttons.push({
      type: 'button' as const,
      action_id: ABORT_RUN_ACTION_ID,
      text: plain('Abort', LIMITS.buttonText),
      style: 'danger' as const,
      value: c.runId,
      confirm: {
        title: plain('Abort this run?', LIMITS.confirmTitle),
        text: mrkdwn(
          truncate(
            `Harness will stop ${c.workflowTitle} where it is. Steps that already ran are not undone.`,
            LIMITS.confirmText,
          ),
          LIMITS.confirmText,
        ),
        confirm: plain('Abort run', LIMITS.confirmButton),
        deny: plain('Keep running', LIMITS.confirmButton),
        style: 'danger' as const,
      },
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'run_actions', elements: buttons });
  const ended = c.execution?.endTs;
  const took = elapsed(c.execution?.startTs, ended, c.now);
  const footer = [
    `Run \`${c.runId}\``,
    c.execution === undefined ? undefined : `Harness execution \`${c.execution.executionId}\``,
    took === undefined ? undefined : `${c.terminal ? 'took' : 'running for'} ${took}`,
  ]
    .filter((x): x is string => x !== undefined)
    .join(' · ');
  blocks.push({ type: 'context', block_id: 'run_footer', elements: [mrkdwn(footer, LIMITS.text)] });
  return { text: `${c.workflowTitle}: ${statusLabel(c.status)}`, blocks };
}

/** Stages and their steps, one line each, with status, duration and failure reason. */
function progressText(execution: ExecutionView | undefined, now: number): string | undefined {
  if (execution === undefined || execution.stages.length === 0) return undefined;
  const lines: string[] = [];
  for (const stage of execution.stages) {
    if (execution.stages.length > 1)
      lines.push(`${statusEmoji(stage.bucket, stage.status)} *${escapeMrkdwn(stage.name)}*`);
    for (const step of execution.steps.filter((s) => s.stageId === stage.id)) {
      const took = elapsed(step.startTs, step.endTs, now);
      const reason =
        step.failureMessage !== undefined && step.bucket === 'failed'
          ? ` — ${escapeMrkdwn(truncate(oneLine(step.failureMessage), 300))}`
          : '';
      const indent = execution.stages.length > 1 ? '    ' : '';
      lines.push(
        `${indent}${statusEmoji(step.bucket, step.status)} ${escapeMrkdwn(step.name)} · ${statusLabel(step.status)}${took === undefined ? '' : ` · ${took}`}${reason}`,
      );
    }
  }
  // Keep the newest lines when a long pipeline would not fit one section.
  let text = lines.join('\n');
  while (Array.from(text).length > LIMITS.text - 20 && lines.length > 1) {
    lines.splice(0, 1);
    text = `…\n${lines.join('\n')}`;
  }
  return text;
}
