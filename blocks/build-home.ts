import type { HomeView } from '@slack/types';
import type { WorkflowListing } from './build-idp-help.js';
import { buildWorkflowList } from './build-idp-help.js';
import { slackDate, statusEmoji, statusLabel } from './format.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn } from './text.js';

export interface HomeRun {
  workflowTitle: string;
  status: string;
  bucket: string;
  channelId: string;
  executionUrl: string | undefined;
  createdAt: number;
}

/** App Home: what you can run, and your latest runs. */
export function buildHome(workflows: WorkflowListing[], hidden: number, runs: HomeRun[]): HomeView {
  const list = buildWorkflowList(workflows, hidden);
  const lines = runs.map((r) => {
    const title =
      r.executionUrl === undefined
        ? escapeMrkdwn(r.workflowTitle)
        : `<${r.executionUrl}|${escapeMrkdwn(r.workflowTitle)}>`;
    return `${statusEmoji(r.bucket, r.status)} ${title} · ${statusLabel(r.status)} · <#${r.channelId}> · ${slackDate(r.createdAt)}`;
  });
  return {
    type: 'home',
    blocks: [
      { type: 'header', block_id: 'home_head', text: { type: 'plain_text', text: 'Self-service workflows' } },
      ...list.blocks,
      { type: 'divider' },
      {
        type: 'section',
        block_id: 'home_runs',
        text: mrkdwn(
          runs.length === 0 ? '*Your runs*\nNone yet.' : `*Your latest runs*\n${lines.join('\n')}`,
          LIMITS.text,
        ),
      },
    ],
  };
}
