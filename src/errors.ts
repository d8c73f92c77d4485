/**
 * One small error class per failure, each with a stable code, so callers branch on types
 * and the one error sink can word them for people.
 */
export abstract class IdpChatopsError extends Error {
  abstract readonly code: string;
}

/** A problem in a manifest file, with where it is and how to fix it. */
export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** The catalogue (workflows + bindings) could not be loaded; carries every problem found. */
export class CatalogueError extends IdpChatopsError {
  readonly code = 'catalogue_invalid';
  constructor(readonly problems: readonly SourceProblem[]) {
    super(
      `The workflow catalogue has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'CatalogueError';
  }
}

/** The environment is not a usable configuration; carries every problem with its fix. */
export class ConfigError extends IdpChatopsError {
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly string[]) {
    super(`Configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A value could not be turned into the pipeline's runtime input. */
export class RuntimeInputError extends IdpChatopsError {
  readonly code = 'runtime_input_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeInputError';
  }
}

/** A built view would break a Slack limit; the builders never return such a view. */
export class SlackLimitError extends IdpChatopsError {
  readonly code = 'slack_limit';
  constructor(readonly violations: readonly string[]) {
    super(`The view would be rejected by Slack: ${violations.join('; ')}`);
    this.name = 'SlackLimitError';
  }
}

/** The message of anything thrown: an Error's own, or the thrown value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
