import type { App } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { buildNoticeModal } from '../../../blocks/build-idp-help.js';
import { buildLinkedModal } from '../../../blocks/build-link-modal.js';
import { buildPrivateNote } from '../../../blocks/build-run-messages.js';
import { LINK_MODAL_CALLBACK_ID, LINK_TOKEN_BLOCK_ID } from '../../../blocks/ids.js';
import { escapeMrkdwn } from '../../../blocks/text.js';
import { isRecord } from '../../is-record.js';
import { HarnessApiError } from '../../ports/harness-errors.js';
import type { TokenVault } from '../../runs/token-vault.js';
import type { BotDeps } from '../deps.js';
import { inBackground } from '../deps.js';
import { errorMessage } from '../../errors.js';
import {
  CHECKING_TOKEN,
  LINK_TITLE,
  linkCheckUnfinished,
  linkedMessage,
  linkRefused,
  LINKING_OFF_SHORT,
  PASTE_TOKEN,
  TOKEN_NOT_ACCEPTED,
  tokenCheckFailed,
  tokenNotYours,
} from '../../../blocks/messages.js';

/**
 * The `/idp link` modal: the token must belong to the person's own email. The submission is
 * answered at once (Slack waits 3 s for it, and Harness may take longer), then the token is
 * checked; the modal shows the result while open, and the person gets it as a message too.
 */
export function registerIdentity(app: App, deps: BotDeps): void {
  app.view(LINK_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const block = view.state.values[LINK_TOKEN_BLOCK_ID];
    const first = block === undefined ? undefined : Object.values(block)[0];
    const token = isRecord(first) && typeof first.value === 'string' ? first.value.trim() : '';
    const error = (message: string) =>
      ack({ response_action: 'errors', errors: { [LINK_TOKEN_BLOCK_ID]: message } });
    const vault = deps.vault;
    if (vault === undefined) {
      await error(LINKING_OFF_SHORT);
      return;
    }
    if (token === '') {
      await error(PASTE_TOKEN);
      return;
    }
    await ack({
      response_action: 'update',
      view: buildNoticeModal(LINK_TITLE, CHECKING_TOKEN),
    });
    inBackground(
      deps,
      linkToken(deps, vault, body.user.id, token)
        .catch((err: unknown) => refused(linkCheckUnfinished(errorMessage(err))))
        .then(async (result) => {
          await deps.slack.updateView(view.id, result.view).catch((err: unknown) => {
            deps.logger.debug({ err: errorMessage(err) }, 'link modal no longer open');
          });
          await deps.slack.postMessage(body.user.id, buildPrivateNote(result.text));
        }),
    );
  });
}

function refused(why: string): { view: ModalView; text: string } {
  const said = linkRefused(why);
  return { view: buildNoticeModal(LINK_TITLE, said.modal), text: said.message };
}

/** Checks a token with Harness and links it; what to show and say, never the token. */
async function linkToken(
  deps: BotDeps,
  vault: TokenVault,
  slackUser: string,
  token: string,
): Promise<{ view: ModalView; text: string }> {
  let user;
  try {
    user = await deps.harness.currentUser(token);
  } catch (err) {
    return refused(
      err instanceof HarnessApiError && err.unauthorized
        ? TOKEN_NOT_ACCEPTED
        : tokenCheckFailed(errorMessage(err)),
    );
  }
  const email = await deps.slack.userEmail(slackUser);
  if (email === undefined || user.email?.toLowerCase() !== email.toLowerCase()) {
    return refused(tokenNotYours(user.email, email));
  }
  await deps.store.identities.save({
    slackUser,
    harnessUuid: user.uuid,
    harnessEmail: user.email,
    sealedToken: vault.seal(token),
    createdAt: deps.now(),
  });
  await deps.store.audit.record({
    at: deps.now(),
    actor: slackUser,
    action: 'identity.linked',
    workflowId: undefined,
    runId: undefined,
    details: { harnessUser: user.uuid, email: user.email },
  });
  const who = user.name ?? user.email;
  return {
    view: buildLinkedModal(escapeMrkdwn(who)),
    text: linkedMessage(who),
  };
}
