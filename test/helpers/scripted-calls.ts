/**
 * Scripting for the fakes of the ports (fake-slack.ts, fake-harness.ts): every call is recorded
 * (with the error the script ended it with), and a test can make the next matching call(s) of a
 * method fail with a given error, or wait at a gate until the test releases it (to interleave two
 * callers at the point that matters), or run a hook at each call (`each`).
 */

/** A call held at its start; `reached` resolves with its arguments once it is waiting. */
export class Gate {
  readonly reached: Promise<unknown[]>;
  private arrive: (args: unknown[]) => void = () => undefined;
  private open: (err: Error | undefined) => void = () => undefined;
  private readonly opened: Promise<Error | undefined>;

  constructor() {
    this.reached = new Promise((resolve) => {
      this.arrive = resolve;
    });
    this.opened = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  /** Lets the held call go on as it would have. */
  release(): void {
    this.open(undefined);
  }

  /** Ends the held call with `err` instead (as if Slack or Harness had answered it late). */
  fail(err: Error): void {
    this.open(err);
  }

  /** @internal The fake waits here. */
  async pass(args: unknown[]): Promise<void> {
    this.arrive(args);
    const err = await this.opened;
    if (err !== undefined) throw err;
  }
}

export interface Match {
  /** Only calls whose arguments pass this (default: any call of the method). */
  when?: (args: unknown[]) => boolean;
}

interface Rule<M> {
  method: M;
  when: (args: unknown[]) => boolean;
  left: number;
  act: Error | Gate;
}

export interface Call<M> {
  method: M;
  args: unknown[];
  /** When it was made (performance.now(), ms): for waits between tries. */
  at: number;
  /** The error it ended with, when the script failed it (or a held call was failed). */
  error: Error | undefined;
}

/** Calls recorded in order, and the failures and gates scripted for the next ones. */
export class ScriptedCalls<M extends string> {
  /** Every call made, in order, whatever became of it. */
  readonly calls: Call<M>[] = [];
  private readonly rules: Rule<M>[] = [];
  private readonly listeners: (() => void)[] = [];
  private readonly hooks: { method: M; run: (args: unknown[]) => void }[] = [];

  /** The next `times` matching calls of `method` throw `error` (Infinity: every one from now on). */
  fail(method: M, error: Error, opts: Match & { times?: number } = {}): void {
    this.rules.push({ method, when: opts.when ?? (() => true), left: opts.times ?? 1, act: error });
  }

  /** The next matching call of `method` waits at the returned gate. */
  hold(method: M, opts: Match = {}): Gate {
    const gate = new Gate();
    this.rules.push({ method, when: opts.when ?? (() => true), left: 1, act: gate });
    return gate;
  }

  /** The arguments of each call of `method` so far. */
  argsOf(method: M): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Resolves once `method` has been called `n` times in all (an event, not a sleep). */
  async called(method: M, n: number): Promise<void> {
    while (this.argsOf(method).length < n)
      await new Promise<void>((resolve) => {
        this.listeners.push(resolve);
      });
  }

  /** Runs `run` at each call of `method`, before it answers (e.g. a test's clock moves here). */
  each(method: M, run: (args: unknown[]) => void): void {
    this.hooks.push({ method, run });
  }

  /** Drops the failures and gates not used yet. */
  reset(): void {
    this.rules.length = 0;
  }

  /** Records a call, then fails or holds it as scripted. Each fake method starts with this. */
  async step(method: M, args: unknown[]): Promise<void> {
    const call: Call<M> = { method, args, at: performance.now(), error: undefined };
    this.calls.push(call);
    for (const wake of this.listeners.splice(0)) wake();
    for (const hook of this.hooks) if (hook.method === method) hook.run(args);
    const rule = this.rules.find((r) => r.method === method && r.left > 0 && r.when(args));
    if (rule === undefined) return;
    rule.left--;
    if (rule.left <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    try {
      if (rule.act instanceof Gate) await rule.act.pass(args);
      else throw rule.act;
    } catch (err) {
      call.error = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }
}
