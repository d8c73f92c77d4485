/**
 * A built view would break a Slack limit; the builders never return such a view. It lives in
 * blocks/ (which imports nothing of the runtime), so it is not an IdpChatopsError: it carries
 * the same kind of stable `code`, and the CLI reports it as it reports those.
 */
export class SlackLimitError extends Error {
  readonly code = 'slack_limit';
  constructor(readonly violations: readonly string[]) {
    super(`The view would be rejected by Slack: ${violations.join('; ')}`);
    this.name = 'SlackLimitError';
  }
}
