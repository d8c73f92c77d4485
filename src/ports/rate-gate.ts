/**
 * Turns in a rate budget: the Harness request budget (`src/harness/request-budget.ts`) and the
 * Slack per-method and per-channel pacing (`src/slack/slack-scheduler.ts`) wait here for their
 * turn. A gate is either kept in one process (SQLite: one replica) or shared by every replica on
 * one database (PostgreSQL), so a budget holds for the whole deployment, not per replica.
 */
export interface RateRule {
  /** At most this many turns… */
  limit: number;
  /** …in any window of this many milliseconds (a sliding window, as Slack and Harness count). */
  windowMs: number;
}

export interface RateGate {
  /**
   * Resolves at `key`'s next turn: never more than `rule.limit` turns of one key in any
   * `rule.windowMs`, counted across everything that shares the gate. A key keeps one rule (the
   * same on every replica: it comes from the same settings). Rejects with the signal's reason
   * once `signal` aborts; a turn already reserved is then spent, never given to a caller twice.
   */
  turn(key: string, rule: RateRule, signal?: AbortSignal): Promise<void>;
  /** True when other processes share these budgets (through the database). */
  readonly shared: boolean;
}
