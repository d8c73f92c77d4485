import { readFile } from 'node:fs/promises';
import type { SlackEmulator } from '../src/sandbox/slack/emulator.js';
import { until } from './bench-stack.js';

/** Requesters: people in #ops who are in no approver group, so a mention on an approval card is an approver's. */
export const REQUESTERS = ['U0ALICE', 'U0DAVE'];
/** The Slack accounts of Harness's `account.sre_oncall` (found by email): whom an approval card mentions. */
export const APPROVERS = ['U0BOB', 'U0CAROL'];
export const CHANNEL = 'C0OPS';

export interface Started {
  started: number;
  /** Commands whose modal never opened (Slack's 3-second trigger_id expired, or views.open refused). */
  noModal: number;
  commandAckMs: number[];
  modalOpenMs: number[];
  submitAckMs: number[];
  /** Submissions the bot asked to send again (a picker answer it could not check with Harness in time). */
  resubmits: number;
  /** Submissions the bot did not answer within Slack's 3 s. */
  lateAcks: number;
  /** People who were asked to submit again RESUBMITS times and gave up. */
  gaveUp: number;
}

/** How often a person submits again when asked to, before the benchmark gives up. */
const RESUBMITS = 5;

/**
 * `runs` people type /scale in #ops, `gapMs` apart, fill the modal with the sample answers
 * (test/fixtures/values/scale_service.json) and submit it, as in Slack. A form the bot refuses
 * stops the benchmark with the bot's answer.
 */
export async function startRuns(slack: SlackEmulator, runs: number, gapMs: number): Promise<Started> {
  const values = JSON.parse(await readFile('test/fixtures/values/scale_service.json', 'utf8')) as Record<
    string,
    string | number
  >;
  const t: Started = {
    started: 0,
    noModal: 0,
    commandAckMs: [],
    modalOpenMs: [],
    submitAckMs: [],
    resubmits: 0,
    gaveUp: 0,
    lateAcks: 0,
  };
  const taken = new Set<string>();
  await Promise.all(
    Array.from({ length: runs }, async (_, i) => {
      const user = REQUESTERS[i % REQUESTERS.length] ?? 'U0ALICE';
      await new Promise((res) => setTimeout(res, i * gapMs));
      const t0 = Date.now();
      const before = new Set(slack.openViews(user).map((v) => v.id));
      await slack.command({ command: '/scale', text: '', user, channel: CHANNEL });
      t.commandAckMs.push(Date.now() - t0);
      // The same person runs several at once: each run takes a modal no other run took.
      const view = await until(
        () => slack.openViews(user).find((v) => !before.has(v.id) && !taken.has(v.id)),
        15_000,
        () => 'modal',
      ).catch(() => undefined);
      if (view === undefined) {
        t.noModal++;
        return;
      }
      taken.add(view.id);
      t.modalOpenMs.push(Date.now() - t0);
      // Filled first (the environment dispatches and the form updates), so the ack below is the submission's own.
      await slack.fill(view.id, user, {
        service: String(values.service),
        environment: String(values.environment),
        infrastructure: String(values.infrastructure),
        workload: String(values.workload),
        replicas: Number(values.replicas),
      });
      for (let attempt = 1; ; attempt++) {
        const t1 = Date.now();
        const reply = await slack.submitView(view.id, user);
        t.submitAckMs.push(Date.now() - t1);
        const answer = JSON.stringify(reply.body);
        // No answer within Slack's 3 s: the person sees an error with the modal still open.
        const late = reply.status !== 200;
        if (late) t.lateAcks++;
        if (!late && !answer.includes('"response_action":"errors"')) break;
        // "could not be checked with Harness just now; submit again in a moment", or no answer in
        // time: a person submits again, a few times, then gives up (the row says how many). Any
        // other refusal of the sample answers is the benchmark's error, unless an earlier attempt
        // went unanswered (the bot may have taken it and refuse the second).
        if (!late && !answer.includes('submit again') && attempt === 1)
          throw new Error(`the /scale form was not accepted: ${JSON.stringify(reply)}`);
        if (!late && !answer.includes('submit again')) {
          t.gaveUp++;
          return;
        }
        if (attempt === RESUBMITS) {
          t.gaveUp++;
          return;
        }
        t.resubmits++;
        await new Promise((res) => setTimeout(res, 2000));
      }
      t.started++;
    }),
  );
  return t;
}
