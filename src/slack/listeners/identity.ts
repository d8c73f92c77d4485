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

const TITLE = 'Link Harness account';

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
      await error('Linking is turned off: the platform team must set IDP_CHATOPS_ENCRYPTION_KEY.');
      return;
    }
    if (token === '') {
      await error('Paste a Harness personal access token.');
      return;
    }
    await ack({
      response_action: 'update',
      view: buildNoticeModal(
        TITLE,
        'Checking your token with Harness… You can close this: the bot sends you the result.',
      ),
    });
    inBackground(
      deps,
      linkToken(deps, vault, body.user.id, token)
        .catch((err: unknown) => refused(`The check could not finish (${(err as Error).message}).`))
        .then(async (result) => {
          await deps.slack.updateView(view.id, result.view).catch((err: unknown) => {
            deps.logger.debug({ err: (err as Error).message }, 'link modal no longer open');
          });
          await deps.slack.postMessage(body.user.id, buildPrivateNote(result.text));
        }),
    );
  });
}

function refused(why: string): { view: ModalView; text: string } {
  return {
    view: buildNoticeModal(TITLE, `${why} Run /idp link again to try another.`),
    text: `Your Harness account is not linked: ${why} Run /idp link again to try another.`,
  };
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
        ? 'Harness did not accept this token: check it is a personal access token that has not expired.'
        : `Harness could not check the token (${(err as Error).message}).`,
    );
  }
  const email = await deps.slack.userEmail(slackUser);
  if (email === undefined || user.email?.toLowerCase() !== email.toLowerCase()) {
    return refused(
      `This token belongs to ${user.email ?? 'another Harness user'}, not to your Slack email${email === undefined ? '' : ` (${email})`}. Use a token of your own.`,
    );
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
    text: `Your Harness account ${who} is linked: your approvals now go to Harness as you.`,
  };
}
