import { buildPrivateNote } from '../../../blocks/build-run-messages.js';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import {
  APPROVAL_INPUT_BLOCK_PREFIX,
  APPROVAL_MODAL_CALLBACK_ID,
  APPROVAL_REASON_BLOCK_ID,
  APPROVE_ACTION_ID,
  parseApprovalButtonValue,
  REJECT_ACTION_ID,
} from '../../../blocks/ids.js';
import { expressionRefusal, holdsExpression } from '../../forms/expressions.js';
import { isRecord } from '../../is-record.js';
import type { ApprovalService } from '../../runs/approval-service.js';
import type { BotDeps } from '../deps.js';
import { inBackground } from '../deps.js';
import { errorMessage } from '../../errors.js';
import { approvalTextLabel, decisionCheckFailed, REJECT_REASON_REQUIRED } from '../../../blocks/messages.js';

const meta = z.object({ approvalId: z.string(), action: z.enum(['APPROVE', 'REJECT']) });

/** Approve / Reject on approval cards, and the modal behind Reject (reason) or approver inputs. */
export function registerApprovals(app: App, deps: BotDeps, approvals: ApprovalService): void {
  const tell = async (userId: string, approvalId: string, text: string): Promise<void> => {
    const card = await deps.store.approvalCards.get(approvalId);
    await deps.slack
      .postEphemeral(
        card?.channelId ?? userId,
        userId,
        buildPrivateNote(text),
        card === undefined ? undefined : (await deps.store.runs.get(card.runId))?.cardTs,
      )
      .catch((err: unknown) => {
        deps.logger.warn({ err: errorMessage(err) }, 'could not answer a click privately');
      });
  };

  const tellInDm = async (userId: string, text: string): Promise<void> => {
    await deps.slack.postMessage(userId, buildPrivateNote(text)).catch((err: unknown) => {
      deps.logger.warn({ err: errorMessage(err) }, 'could not answer a click privately');
    });
  };

  for (const [actionId, action] of [
    [APPROVE_ACTION_ID, 'APPROVE'],
    [REJECT_ACTION_ID, 'REJECT'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action: button }) => {
      await ack();
      const { approvalId, opensForm } = parseApprovalButtonValue(button.value ?? '');
      const message = await approvals
        .click(body.user.id, approvalId, action, body.trigger_id, opensForm)
        .catch((err: unknown) => decisionCheckFailed(errorMessage(err)));
      if (message === undefined) return;
      // From App Home (a view, no channel): the answer goes to the person's DM with the app.
      if (body.container.type === 'view') await tellInDm(body.user.id, message);
      else await tell(body.user.id, approvalId, message);
    });
  }

  app.view(APPROVAL_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const m = meta.safeParse(JSON.parse(view.private_metadata || '{}'));
    if (!m.success) {
      await ack();
      return;
    }
    const values = view.state.values;
    const text = (blockId: string): string => {
      const block = values[blockId];
      const first = block === undefined ? undefined : Object.values(block)[0];
      return isRecord(first) && typeof first.value === 'string' ? first.value.trim() : '';
    };
    const reason = text(APPROVAL_REASON_BLOCK_ID);
    if (m.data.action === 'REJECT' && reason === '') {
      await ack({
        response_action: 'errors',
        errors: { [APPROVAL_REASON_BLOCK_ID]: REJECT_REASON_REQUIRED },
      });
      return;
    }
    const inputs = Object.keys(values)
      .filter((id) => id.startsWith(APPROVAL_INPUT_BLOCK_PREFIX))
      .map((id) => ({ name: id.slice(APPROVAL_INPUT_BLOCK_PREFIX.length), value: text(id) }));
    // Comments and approver inputs go to Harness too: no expressions in them either.
    const texts: { blockId: string; label: string; value: string }[] = [
      {
        blockId: APPROVAL_REASON_BLOCK_ID,
        label: approvalTextLabel(m.data.action),
        value: reason,
      },
      ...inputs.map((i) => ({
        blockId: `${APPROVAL_INPUT_BLOCK_PREFIX}${i.name}`,
        label: i.name,
        value: i.value,
      })),
    ];
    const refusals = Object.fromEntries(
      texts.filter((t) => holdsExpression(t.value)).map((t) => [t.blockId, expressionRefusal(t.label)]),
    );
    if (Object.keys(refusals).length > 0) {
      await ack({ response_action: 'errors', errors: refusals });
      return;
    }
    await ack();
    inBackground(
      deps,
      approvals
        .decide(body.user.id, m.data.approvalId, m.data.action, reason, inputs)
        .then((message) => tell(body.user.id, m.data.approvalId, message)),
    );
  });
}
