import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import {
  approvalButtonValue,
  APPROVE_ACTION_ID,
  HOME_RUN_AGAIN_ACTION_ID,
  HOME_START_ACTION_PREFIX,
  REJECT_ACTION_ID,
} from './ids.js';
import { slackDate, statusEmoji, statusLabel } from './format.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, oneLine, plain, quoteValue, truncate } from './text.js';

/** An approval this person may decide, as App Home lists it. */
export interface HomeApproval {
  approvalId: string;
  stepName: string;
  workflowTitle: string;
  requesterId: string;
  channelId: string;
  executionUrl: string | undefined;
  deadline: number | undefined;
  /** Approve opens the approver-inputs form (as on the card). */
  opensForm: boolean;
  /** Confirm before approving, as the card does. */
  risky: boolean;
  inputs: { label: string; value: string }[];
}

export interface HomeRun {
  runId: string;
  workflowTitle: string;
  status: string;
  bucket: string;
  channelId: string;
  executionUrl: string | undefined;
  createdAt: number;
  /** The person may still run its workflow: "Run again" opens it with the run's answers. */
  canRunAgain: boolean;
}

export interface HomeWorkflow {
  id: string;
  title: string;
  description: string;
}

export interface HomeContent {
  waiting: HomeApproval[];
  runs: HomeRun[];
  workflows: HomeWorkflow[];
  /** Workflows not startable from here: other people's, or bound to channels. */
  hidden: number;
}

/** Slack shows at most 100 blocks in a Home tab (https://api.slack.com/surfaces/app-home). */
const HOME_BLOCKS = 100;
export const HOME_MAX_WAITING = 10;
export const HOME_MAX_RUNS = 10;
const BUTTONS_PER_ROW = 5;
/** What the workflow rows may take of the tab once the other sections are in. */
const MAX_WORKFLOW_ROWS = 10;

const header = (id: string, text: string): KnownBlock => ({
  type: 'header',
  block_id: id,
  text: plain(text, LIMITS.header),
});

/**
 * App Home: what waits for this person's decision (Approve/Reject, the same buttons and checks
 * as the channel's card), their latest runs (with "Run again"), and a button per workflow they
 * may start here.
 */
export function buildHome(c: HomeContent): HomeView {
  const blocks: KnownBlock[] = [header('home_waiting_head', 'Waiting for you')];
  if (c.waiting.length === 0)
    blocks.push({
      type: 'section',
      block_id: 'home_waiting_none',
      text: mrkdwn('Nothing waits for your decision.', LIMITS.text),
    });
  c.waiting.slice(0, HOME_MAX_WAITING).forEach((a, i) => blocks.push(...approvalBlocks(a, i)));
  blocks.push({ type: 'divider' }, header('home_runs_head', 'Your runs'));
  if (c.runs.length === 0)
    blocks.push({ type: 'section', block_id: 'home_runs_none', text: mrkdwn('None yet.', LIMITS.text) });
  c.runs.slice(0, HOME_MAX_RUNS).forEach((r, i) => blocks.push(runBlock(r, i)));
  blocks.push({ type: 'divider' }, header('home_head', 'Self-service workflows'));
  const rows = chunk(c.workflows.slice(0, MAX_WORKFLOW_ROWS * BUTTONS_PER_ROW), BUTTONS_PER_ROW);
  if (c.workflows.length > 0)
    blocks.push({
      type: 'section',
      block_id: 'home_workflows_list',
      text: mrkdwn(
        c.workflows.map((w) => `• *${escapeMrkdwn(w.title)}* — ${escapeMrkdwn(w.description)}`).join('\n'),
        LIMITS.text,
      ),
    });
  rows.forEach((row, i) => blocks.push(startRow(row, i)));
  const foot: string[] = [];
  if (c.workflows.length === 0) foot.push('There are no workflows you can start from here.');
  if (c.workflows.length > rows.length * BUTTONS_PER_ROW) foot.push('`/idp` lists the rest.');
  if (c.hidden > 0)
    foot.push(
      `${String(c.hidden)} more workflow${c.hidden === 1 ? ' is' : 's are'} limited to other people or channels: use their command where they may run.`,
    );
  if (foot.length > 0)
    blocks.push({ type: 'context', block_id: 'home_foot', elements: [mrkdwn(foot.join(' '), LIMITS.text)] });
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}

function approvalBlocks(a: HomeApproval, i: number): KnownBlock[] {
  const link = a.executionUrl === undefined ? '' : ` · <${a.executionUrl}|Open in Harness>`;
  const expires = a.deadline === undefined ? '' : ` · expires ${slackDate(a.deadline)}`;
  const inputs = a.inputs
    .slice(0, 6)
    .map((x) => `${escapeMrkdwn(truncate(oneLine(x.label), 60))} ${quoteValue(x.value, 60)}`)
    .join(' · ');
  const text = `:raised_hand: *${escapeMrkdwn(a.stepName)}* · *${escapeMrkdwn(a.workflowTitle)}*, requested by <@${a.requesterId}> in <#${a.channelId}>${link}${expires}${inputs === '' ? '' : `\n${inputs}`}`;
  const approve: Button = {
    type: 'button',
    action_id: APPROVE_ACTION_ID,
    style: 'primary',
    text: plain('Approve', LIMITS.buttonText),
    value: approvalButtonValue(a.approvalId, a.opensForm),
    ...(a.risky && !a.opensForm
      ? {
          confirm: {
            title: plain('Approve this change?', LIMITS.confirmTitle),
            text: mrkdwn(
              truncate(
                `${escapeMrkdwn(a.workflowTitle)}: ${a.inputs.map((x) => `${escapeMrkdwn(x.label)} ${quoteValue(x.value, 100)}`).join(', ')}`,
                LIMITS.confirmText,
              ),
              LIMITS.confirmText,
            ),
            confirm: plain('Approve', LIMITS.confirmButton),
            deny: plain('Cancel', LIMITS.confirmButton),
            style: 'primary' as const,
          },
        }
      : {}),
  };
  const reject: Button = {
    type: 'button',
    action_id: REJECT_ACTION_ID,
    style: 'danger',
    text: plain('Reject', LIMITS.buttonText),
    value: a.approvalId,
  };
  return [
    { type: 'section', block_id: `home_approval_${String(i)}`, text: mrkdwn(text, LIMITS.text) },
    { type: 'actions', block_id: `home_approval_actions_${String(i)}`, elements: [approve, reject] },
  ];
}

function runBlock(r: HomeRun, i: number): KnownBlock {
  const title =
    r.executionUrl === undefined
      ? `*${escapeMrkdwn(r.workflowTitle)}*`
      : `*<${r.executionUrl}|${escapeMrkdwn(r.workflowTitle)}>*`;
  const text = `${statusEmoji(r.bucket, r.status)} ${title} · ${escapeMrkdwn(statusLabel(r.status))} · <#${r.channelId}> · ${slackDate(r.createdAt)}`;
  return {
    type: 'section',
    block_id: `home_run_${String(i)}`,
    text: mrkdwn(text, LIMITS.text),
    ...(r.canRunAgain
      ? {
          accessory: {
            type: 'button',
            action_id: HOME_RUN_AGAIN_ACTION_ID,
            text: plain('Run again', LIMITS.buttonText),
            value: r.runId,
          },
        }
      : {}),
  };
}

function startRow(row: HomeWorkflow[], i: number): ActionsBlock {
  return {
    type: 'actions',
    block_id: `home_start_${String(i)}`,
    elements: row.map((w) => ({
      type: 'button',
      action_id: `${HOME_START_ACTION_PREFIX}${w.id}`,
      text: plain(w.title, LIMITS.buttonText),
      value: w.id,
    })),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
