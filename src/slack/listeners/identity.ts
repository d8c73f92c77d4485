import type { App } from '@slack/bolt';
import { buildLinkedModal } from '../../../blocks/build-link-modal.js';
import { LINK_MODAL_CALLBACK_ID, LINK_TOKEN_BLOCK_ID } from '../../../blocks/ids.js';
import { escapeMrkdwn } from '../../../blocks/text.js';
import { isRecord } from '../../forms/json-schema.js';
import { HarnessApiError } from '../../harness/errors.js';
import type { BotDeps } from '../deps.js';

/** The `/idp link` modal: the token is checked with Harness and must belong to the person's own email. */
export function registerIdentity(app: App, deps: BotDeps): void {
  app.view(LINK_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const block = view.state.values[LINK_TOKEN_BLOCK_ID];
    const first = block === undefined ? undefined : Object.values(block)[0];
    const token = isRecord(first) && typeof first.value === 'string' ? first.value.trim() : '';
    const error = (message: string) =>
      ack({ response_action: 'errors', errors: { [LINK_TOKEN_BLOCK_ID]: message } });
    if (deps.vault === undefined) {
      await error('Linking is turned off: the platform team must set IDP_CHATOPS_ENCRYPTION_KEY.');
      return;
    }
    if (token === '') {
      await error('Paste a Harness personal access token.');
      return;
    }
    let user;
    try {
      user = await deps.harness.currentUser(token);
    } catch (err) {
      await error(
        err instanceof HarnessApiError && err.unauthorized
          ? 'Harness did not accept this token: check it is a personal access token that has not expired.'
          : `Harness could not check the token: ${(err as Error).message}`,
      );
      return;
    }
    const email = await deps.slack.userEmail(body.user.id);
    if (email === undefined || user.email?.toLowerCase() !== email.toLowerCase()) {
      await error(
        `This token belongs to ${user.email ?? 'another Harness user'}, not to your Slack email${email === undefined ? '' : ` (${email})`}. Use a token of your own.`,
      );
      return;
    }
    deps.store.saveLink({
      slackUser: body.user.id,
      harnessUuid: user.uuid,
      harnessEmail: user.email,
      sealedToken: deps.vault.seal(token),
      createdAt: deps.now(),
    });
    deps.store.audit({
      at: deps.now(),
      actor: body.user.id,
      action: 'identity.linked',
      workflowId: undefined,
      runId: undefined,
      details: { harnessUser: user.uuid, email: user.email },
    });
    await ack({
      response_action: 'update',
      view: buildLinkedModal(escapeMrkdwn(user.name ?? user.email)),
    });
  });
}
