import { describe, expect, it } from 'vitest';
import { buildNoticeModal } from '../../blocks/build-idp-help.js';
import { buildPrivateNote } from '../../blocks/build-run-messages.js';
import * as m from '../../blocks/messages.js';

/** The sentences the bot says outside a builder of its own (blocks/messages.ts), as people read them. */
describe('messages', () => {
  it('approvals: who may decide, what became of a decision, and where to decide without the card', () => {
    expect(m.decided('APPROVE', 'Prod gate')).toBe('You approved Prod gate.');
    expect(m.decided('REJECT', 'Prod gate')).toBe('You rejected Prod gate.');
    expect(m.cannotDecide('Prod gate', 'you are not in the SRE group')).toBe(
      "You can't decide on Prod gate: you are not in the SRE group.",
    );
    expect(m.checkingApproval('Prod gate')).toBe('Checking that you can approve Prod gate…');
    expect(m.decisionCheckFailed('timeout')).toBe(
      'Could not check your decision right now (timeout); nothing was sent to Harness. Try again in a moment.',
    );
    expect(m.decisionNotTaken('Approval already expired')).toBe(
      'Harness did not take your decision: Approval already expired',
    );
    expect(m.decisionNotRecorded('HTTP 502')).toContain('Nothing was decided; you can click again.');
    expect(m.decisionUnconfirmed('timeout')).toContain('The bot will check what Harness recorded');
    expect(m.approvalTextLabel('REJECT')).toBe('Your reason');
    expect(m.approvalTextLabel('APPROVE')).toBe('Your comment');
    expect(
      m.approvalCardRefused({
        workflowTitle: 'Scale a service',
        stepName: 'Prod gate',
        refused: 'is_archived',
        executionUrl: 'https://app.harness.io/ng/x',
      }),
    ).toBe(
      'Your run of Scale a service is waiting for approval (Prod gate), but Slack refused the approval card (is_archived). Approvers can decide in Harness: https://app.harness.io/ng/x.',
    );
    expect(
      m.approvalCardRefused({
        workflowTitle: 'W',
        stepName: 'S',
        refused: undefined,
        executionUrl: undefined,
      }),
    ).toBe(
      'Your run of W is waiting for approval (S), but Slack refused the approval card. Approvers can decide in Harness.',
    );
  });

  it('an earlier decision shows its time as a Slack date, which survives the escaping of a note and a notice', () => {
    const at = Date.UTC(2026, 10, 28, 12, 30);
    const text = m.alreadyDecided({ action: 'APPROVE', at });
    expect(text).toBe(
      `You already approved this on <!date^${String(at / 1000)}^{date_short} at {time}|Sat, 28 Nov 2026 12:30:00 GMT>.`,
    );
    expect(m.alreadyDecided(undefined)).toBe('You already decided on this.');
    const note = JSON.stringify(buildPrivateNote(text).blocks);
    const notice = JSON.stringify(buildNoticeModal('Approve', text).blocks);
    for (const shown of [note, notice]) expect(shown).toContain(`<!date^${String(at / 1000)}^`);
  });

  it('only a plain date token survives escaping: no link, no mention', () => {
    const sneaky = 'see <!date^1^{date}^https://evil.example|x> and <!channel>';
    const shown = JSON.stringify(buildNoticeModal('T', sneaky).blocks);
    expect(shown).not.toContain('<!date');
    expect(shown).not.toContain('<!channel>');
  });

  it('the card notes when Harness cannot be read', () => {
    expect(m.HARNESS_REFUSES_KEY_NOTE).toBe(
      'Harness refuses the bot’s key; updates paused until it is fixed.',
    );
    expect(m.HARNESS_NOT_ANSWERING_NOTE).toBe(
      'Harness is not answering; this card will catch up when it does.',
    );
  });

  it('commands, forms and runs', () => {
    expect(m.noSuchWorkflow('nope')).toBe('There is no workflow "nope". `/idp` lists them.');
    expect(m.cannotRunHere('Scale a service', 'it can only be run from #ops')).toBe(
      "You can't run Scale a service here: it can only be run from #ops.",
    );
    expect(m.formDidNotOpen('Scale a service', 'expired_trigger_id', '/scale')).toBe(
      'Slack did not let the bot open the Scale a service form in time (expired_trigger_id). Please run /scale again.',
    );
    expect(m.chooseFirst(['Organization', 'Project'])).toBe('Choose Organization and Project first');
    expect(m.runAlreadyEnded('Success')).toBe('This run already ended (Success); there is nothing to abort.');
    expect(m.abortFailed('HTTP 500')).toBe('Harness did not abort the run: HTTP 500');
  });

  it('linking a Harness account', () => {
    expect(m.tokenNotYours('bob@example.com', 'alice@example.com')).toBe(
      'This token belongs to bob@example.com, not to your Slack email (alice@example.com). Use a token of your own.',
    );
    expect(m.tokenNotYours(undefined, undefined)).toBe(
      'This token belongs to another Harness user, not to your Slack email. Use a token of your own.',
    );
    expect(m.linkRefused(m.TOKEN_NOT_ACCEPTED)).toEqual({
      modal: `${m.TOKEN_NOT_ACCEPTED} Run /idp link again to try another.`,
      message: `Your Harness account is not linked: ${m.TOKEN_NOT_ACCEPTED} Run /idp link again to try another.`,
    });
    expect(m.tokenCheckFailed('HTTP 503')).toBe('Harness could not check the token (HTTP 503).');
    expect(m.linkCheckUnfinished('boom')).toBe('The check could not finish (boom).');
    expect(m.linkedMessage('Alice')).toBe(
      'Your Harness account Alice is linked: your approvals now go to Harness as you.',
    );
  });

  it('why a click is refused, and an unknown /idp verb', () => {
    expect(m.NO_SLACK_EMAIL).toBe('your Slack profile has no email, so the bot cannot find you in Harness');
    expect(m.noHarnessUser('eve@elsewhere.example')).toBe(
      'no Harness user has your email (eve@elsewhere.example)',
    );
    expect(m.notAnApprover(['account.sre_oncall'])).toBe(
      'you are not in the approver group account.sre_oncall',
    );
    expect(m.notAnApprover(['a', 'b'])).toBe('you are not in any of the approver groups a, b');
    expect(m.notACommand('frobnicate')).toBe('"frobnicate" is not an idp-chatops command.');
  });
});
