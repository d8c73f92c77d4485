import type { KnownBlock, ModalView } from '@slack/types';
import type { ApprovalInstance } from '../src/harness-model/types.js';
import {
  APPROVAL_INPUT_BLOCK_PREFIX,
  APPROVAL_MODAL_CALLBACK_ID,
  APPROVAL_REASON_BLOCK_ID,
  approvalButtonValue,
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
} from './ids.js';
import { slackDate } from './format.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, mrkdwn, oneLine, plain, quoteValue, truncate } from './text.js';

export interface ApprovalCardInput {
  approval: ApprovalInstance;
  stepName: string;
  workflowTitle: string;
  requesterId: string;
  inputs: { label: string; value: string }[];
  /** Confirm before approving (bindings say risky, or the run targets production). */
  risky: boolean;
  /** What the platform team must configure before approvals from Slack can work. */
  setupProblem: string | undefined;
  /** False when nothing Slack could send would be taken by Harness: no buttons, a link instead. */
  buttons: boolean;
  /** The execution in Harness, where the approval can always be given. */
  harnessUrl: string | undefined;
  /** Where an approval Slack cannot decide is given ("Jira", "ServiceNow", …): no buttons, the ticket instead. */
  external: string | undefined;
  /** Slack users asked to decide; mentioned in the blocks (fallback text alone does not show). */
  mentions?: string[];
  /** What the run found before the approval (`build-approval-findings.ts`), shown under the inputs. */
  findings?: KnownBlock | undefined;
}

const verb = (action: string): string =>
  action === 'APPROVE' ? 'approved' : action === 'REJECT' ? 'rejected' : action.toLowerCase();

/**
 * The approval card: what is asked, of whom, by when, and Approve / Reject while it waits.
 * Once decided, expired or aborted it says so, who and when, and the buttons are gone.
 */
export function buildApprovalCard(c: ApprovalCardInput): { text: string; blocks: KnownBlock[] } {
  const a = c.approval;
  const approvals = a.activities.filter((x) => x.action === 'APPROVE').length;
  const waiting = a.status === 'WAITING';
  if (c.external !== undefined) return externalCard(c, c.external);
  const head = waiting
    ? `:raised_hand: *Approval needed: ${escapeMrkdwn(c.stepName)}*\n*${escapeMrkdwn(c.workflowTitle)}*, requested by <@${c.requesterId}>`
    : `${a.status === 'APPROVED' ? ':white_check_mark:' : a.status === 'REJECTED' ? ':no_entry:' : ':hourglass:'} *${escapeMrkdwn(c.stepName)}* · ${escapeMrkdwn(statusText(a.status))}\n*${escapeMrkdwn(c.workflowTitle)}*, requested by <@${c.requesterId}>`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'approval_head', text: mrkdwn(head, LIMITS.text) },
  ];
  if (a.approvalMessage !== undefined && a.approvalMessage.trim() !== '') {
    blocks.push({
      type: 'section',
      block_id: 'approval_message',
      text: mrkdwn(`>${escapeMrkdwn(truncate(a.approvalMessage, 2000)).replace(/\n/g, '\n>')}`, LIMITS.text),
    });
  }
  if (c.inputs.length > 0) {
    blocks.push({
      type: 'section',
      block_id: 'approval_inputs',
      fields: c.inputs
        .slice(0, LIMITS.sectionFields)
        .map((i) => mrkdwn(`*${escapeMrkdwn(i.label)}*\n${quoteValue(i.value, 300)}`, LIMITS.sectionField)),
    });
  }
  if (c.findings !== undefined) blocks.push(c.findings);
  const facts = [
    `Approvers: ${a.userGroups.length === 0 ? 'any eligible user' : a.userGroups.map((g) => `\`${escapeMrkdwn(g)}\``).join(', ')}`,
    `${String(approvals)} of ${String(a.minimumCount)} approval${a.minimumCount === 1 ? '' : 's'}`,
    ...(a.disallowPipelineExecutor ? ['the person who asked cannot approve'] : []),
    ...(waiting && a.deadline !== undefined ? [`expires ${slackDate(a.deadline)}`] : []),
  ];
  if (waiting && c.mentions !== undefined && c.mentions.length > 0)
    blocks.push({
      type: 'section',
      block_id: 'approval_mentions',
      text: mrkdwn(`:bell: ${c.mentions.map((id) => `<@${id}>`).join(' ')}`, LIMITS.text),
    });
  blocks.push({
    type: 'context',
    block_id: 'approval_facts',
    elements: [mrkdwn(facts.join(' · '), LIMITS.text)],
  });
  for (const act of a.activities) {
    const who = oneLine(act.user.name ?? act.user.email ?? 'someone');
    const at = act.at === undefined ? '' : ` ${slackDate(act.at, '{date_short_pretty} at {time}')}`;
    const note =
      act.comments === undefined || act.comments === '' ? '' : `: ${quoteValue(act.comments, 500)}`;
    // The name is whatever its owner typed into Harness: plain text, no emoji codes.
    const by = {
      type: 'plain_text' as const,
      text: truncate(`${who} ${verb(act.action)}`, 200),
      emoji: false,
    };
    blocks.push({
      type: 'context',
      block_id: `activity_${String(blocks.length)}`,
      elements: at === '' && note === '' ? [by] : [by, mrkdwn(`${at}${note}`.trim(), LIMITS.text)],
    });
  }
  if (c.setupProblem !== undefined && waiting)
    blocks.push({
      type: 'section',
      block_id: 'approval_setup',
      text: mrkdwn(
        `:warning: ${escapeMrkdwn(c.setupProblem)}${c.harnessUrl === undefined || c.buttons ? '' : ` <${c.harnessUrl}|Open in Harness>`}`,
        LIMITS.text,
      ),
    });
  if (waiting && c.buttons) {
    const approve = {
      type: 'button' as const,
      action_id: APPROVE_ACTION_ID,
      style: 'primary' as const,
      text: plain('Approve', LIMITS.buttonText),
      value: approvalButtonValue(a.id, a.approverInputs.length > 0),
      ...(c.risky && a.approverInputs.length === 0
        ? {
            confirm: {
              title: plain('Approve this change?', LIMITS.confirmTitle),
              text: mrkdwn(
                truncate(
                  `${escapeMrkdwn(c.workflowTitle)}: ${c.inputs.map((i) => `${escapeMrkdwn(i.label)} ${quoteValue(i.value, 100)}`).join(', ')}`,
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
    blocks.push({
      type: 'actions',
      block_id: 'approval_actions',
      elements: [
        approve,
        {
          type: 'button',
          action_id: REJECT_ACTION_ID,
          style: 'danger',
          text: plain('Reject', LIMITS.buttonText),
          value: a.id,
        },
      ],
    });
  }
  return {
    text: waiting
      ? `Approval needed: ${c.stepName} (${c.workflowTitle})${(c.mentions ?? []).length === 0 ? '' : `: ${(c.mentions ?? []).map((id) => `<@${id}>`).join(' ')}`}`
      : `${c.stepName}: ${statusText(a.status)}`,
    blocks,
  };
}

/** A Jira / ServiceNow / custom approval: waiting, with the ticket link and where to approve it. */
function externalCard(c: ApprovalCardInput, where: string): { text: string; blocks: KnownBlock[] } {
  const a = c.approval;
  const waiting = a.status === 'WAITING';
  const ticket =
    a.ticket === undefined
      ? ''
      : a.ticket.url === undefined
        ? ` *${escapeMrkdwn(a.ticket.key)}*`
        : ` <${a.ticket.url}|${escapeMrkdwn(a.ticket.key)}>`;
  const head = waiting
    ? `:hourglass_flowing_sand: *Waiting for approval in ${escapeMrkdwn(where)}: ${escapeMrkdwn(c.stepName)}*\n*${escapeMrkdwn(c.workflowTitle)}*, requested by <@${c.requesterId}>`
    : `${a.status === 'APPROVED' ? ':white_check_mark:' : a.status === 'REJECTED' ? ':no_entry:' : ':hourglass:'} *${escapeMrkdwn(c.stepName)}* · ${escapeMrkdwn(statusText(a.status))}\n*${escapeMrkdwn(c.workflowTitle)}*, requested by <@${c.requesterId}>`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'approval_head', text: mrkdwn(head, LIMITS.text) },
    ...(c.findings === undefined ? [] : [c.findings]),
  ];
  if (waiting)
    blocks.push({
      type: 'section',
      block_id: 'approval_external',
      text: mrkdwn(
        `Approve it in ${escapeMrkdwn(where)}${ticket === '' ? '' : `:${ticket}`}. Slack cannot decide this approval; this card follows it.${a.deadline !== undefined ? ` Expires ${slackDate(a.deadline)}.` : ''}`,
        LIMITS.text,
      ),
    });
  return {
    text: waiting
      ? `Waiting for approval in ${where}: ${c.stepName} (${c.workflowTitle})`
      : `${c.stepName}: ${statusText(a.status)}`,
    blocks,
  };
}

function statusText(status: string): string {
  const map: Record<string, string> = {
    WAITING: 'Waiting',
    APPROVED: 'Approved',
    REJECTED: 'Rejected',
    EXPIRED: 'Expired: nobody decided in time',
    ABORTED: 'Aborted with the run',
    FAILED: 'Failed',
  };
  return map[status] ?? status;
}

/**
 * The small modal behind Reject (a reason) or Approve with approver inputs. Reject opens it at
 * once from what the card knows (no message, no inputs); Approve's comes once the click is checked.
 */
export function buildApprovalModal(o: {
  approvalId: string;
  action: 'APPROVE' | 'REJECT';
  stepName: string;
  message?: string | undefined;
  inputs?: readonly { name: string; defaultValue: string }[];
}): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'approval_what',
      text: mrkdwn(
        `*${escapeMrkdwn(o.stepName)}*${o.message === undefined ? '' : `\n${escapeMrkdwn(truncate(o.message, 1000))}`}`,
        LIMITS.text,
      ),
    },
  ];
  if (o.action === 'APPROVE') {
    for (const input of (o.inputs ?? []).slice(0, 40)) {
      blocks.push({
        type: 'input',
        block_id: `${APPROVAL_INPUT_BLOCK_PREFIX}${input.name}`,
        label: plain(input.name, LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          ...(input.defaultValue === ''
            ? {}
            : { initial_value: truncate(input.defaultValue, LIMITS.textInputMax) }),
        },
      });
    }
  }
  blocks.push({
    type: 'input',
    block_id: APPROVAL_REASON_BLOCK_ID,
    label: plain(o.action === 'REJECT' ? 'Why are you rejecting it?' : 'Comment', LIMITS.inputLabel),
    optional: o.action === 'APPROVE',
    element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000 },
  });
  return {
    type: 'modal',
    callback_id: APPROVAL_MODAL_CALLBACK_ID,
    title: plain(o.action === 'REJECT' ? 'Reject' : 'Approve', LIMITS.modalTitle),
    submit: plain(o.action === 'REJECT' ? 'Reject' : 'Approve', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: JSON.stringify({ approvalId: o.approvalId, action: o.action }),
    blocks,
  };
}
