import type { ModalView } from '@slack/types';
import { LINK_MODAL_CALLBACK_ID, LINK_TOKEN_BLOCK_ID } from './ids.js';
import { LIMITS } from './limits.js';
import { mrkdwn, plain } from './text.js';

/** `/idp link`: a person gives the bot their own Harness token, so Harness records them as the approver. */
export function buildLinkModal(): ModalView {
  return {
    type: 'modal',
    callback_id: LINK_MODAL_CALLBACK_ID,
    title: plain('Link Harness account', LIMITS.modalTitle),
    submit: plain('Link', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks: [
      {
        type: 'section',
        block_id: 'link_why',
        text: mrkdwn(
          'With your own token, your approvals are recorded in Harness under *your* name, and approvals that need several people can count you. The token is checked with Harness, stored encrypted, and used only when you approve or reject. `/idp unlink` removes it.',
          LIMITS.text,
        ),
      },
      {
        type: 'input',
        block_id: LINK_TOKEN_BLOCK_ID,
        label: plain('Harness personal access token', LIMITS.inputLabel),
        hint: plain(
          'Harness → My Profile → Personal Access Tokens. Give it only the time it needs; when it expires, link again.',
          LIMITS.inputHint,
        ),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          placeholder: plain('pat.…', LIMITS.placeholder),
        },
      },
    ],
  };
}

export function buildLinkedModal(who: string): ModalView {
  return {
    type: 'modal',
    title: plain('Harness account linked', LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalButton),
    blocks: [
      {
        type: 'section',
        block_id: 'linked',
        text: mrkdwn(
          `:white_check_mark: Linked to Harness user *${who}*. Your approvals now go to Harness as you.`,
          LIMITS.text,
        ),
      },
    ],
  };
}
