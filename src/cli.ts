import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildWorkflowModal } from '../blocks/build-workflow-modal.js';
import { loadCatalogue } from './catalogue/load-catalogue.js';
import { loadWorkflow } from './catalogue/load-workflow.js';
import type { Binding } from './catalogue/bindings.js';
import type { Workflow } from './catalogue/workflow.js';
import { loadConfig } from './config.js';
import { ConfigError, formatProblem, IdpChatopsError } from './errors.js';
import type { SourceProblem } from './errors.js';
import { isRecord } from './forms/json-schema.js';
import type { FormValues, JsonValue } from './forms/json-schema.js';
import { buildRuntimeInput } from './forms/submission.js';
import { validatePage } from './forms/validate-page.js';
import { harnessSimCommand } from './harness/simulator/command.js';
import { startBot } from './bot.js';
import { createLogger } from './logger.js';
import { runLocalSandbox } from './sandbox/local.js';

/** Where the CLI writes; a parameter so tests run it in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Resolves when a long-running command should stop (default: SIGINT or SIGTERM). */
  stopped?: Promise<void>;
  /** Where the local sandbox reads what the person types (default: stdin). */
  input?: NodeJS.ReadableStream;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
}

const USAGE = `Usage: idp-chatops <command> [options]

Commands:
  start                                  run the bot
  validate [dir]                         check every workflow and the command bindings
  preview <workflow> [--page N] [--values file.json]
                                         print the modal view Slack would receive
  inputs <workflow> --values file.json   validate answers and print the runtime-input YAML
  harness-sim [--port N] [--speed X] [--api-key K] [--seed file] [--webhook-url URL]
                                         run the Harness simulator; prints its base URL

<workflow> is a workflow file or the id of a workflow in MANIFESTS_DIR (default: manifests).
`;

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  env: process.env,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(io);
      case 'validate':
        return await validate(rest, io);
      case 'preview':
        return await preview(rest, io);
      case 'inputs':
        return await inputs(rest, io);
      case 'harness-sim':
        return await harnessSimCommand(rest, { ...io, stopped: io.stopped ?? untilSignal() });
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.err(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    if (err instanceof IdpChatopsError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
}

function manifestsDir(io: CliIo): string {
  return io.env.MANIFESTS_DIR !== undefined && io.env.MANIFESTS_DIR !== ''
    ? io.env.MANIFESTS_DIR
    : 'manifests';
}

function printProblems(io: CliIo, problems: SourceProblem[], warnings: SourceProblem[]): void {
  for (const w of warnings) io.err(`${formatProblem(w)} (warning)`);
  for (const p of problems) io.err(formatProblem(p));
}

async function validate(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const dir = positionals[0] ?? manifestsDir(io);
  const r = await loadCatalogue(dir);
  printProblems(io, r.problems, r.warnings);
  if (r.catalogue === undefined) {
    io.err(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${dir}`);
    return 1;
  }
  const c = r.catalogue;
  io.out(`${dir}: ${c.workflows.size} workflow${c.workflows.size === 1 ? '' : 's'} OK`);
  for (const b of c.bindings.values()) {
    io.out(`  ${(b.command ?? '/idp run').padEnd(14)} ${b.workflowId}`);
  }
  return 0;
}

/** A workflow by file or id; from the catalogue it comes with its binding (its Slack rules). */
async function resolveWorkflow(
  ref: string,
  io: CliIo,
): Promise<{ workflow: Workflow; binding: Binding | undefined } | undefined> {
  const isFile = await stat(ref).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) {
    const r = loadWorkflow(ref, await readFile(ref, 'utf8'));
    printProblems(io, r.problems, r.warnings);
    return r.workflow === undefined ? undefined : { workflow: r.workflow, binding: undefined };
  }
  const r = await loadCatalogue(manifestsDir(io));
  if (r.catalogue === undefined) {
    printProblems(io, r.problems, []);
    return undefined;
  }
  const wf = r.catalogue.workflows.get(ref);
  if (wf === undefined) {
    io.err(`No workflow file or id "${ref}". Known ids: ${[...r.catalogue.workflows.keys()].join(', ')}`);
    return undefined;
  }
  return { workflow: wf, binding: r.catalogue.bindings.get(ref) };
}

async function readValues(file: string | undefined, io: CliIo): Promise<FormValues | undefined> {
  if (file === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    io.err(`${file}: cannot read values as JSON: ${(err as Error).message}`);
    return undefined;
  }
  if (!isRecord(raw)) {
    io.err(`${file}: values must be a JSON object of field name to value`);
    return undefined;
  }
  return raw as Record<string, JsonValue>;
}

async function preview(args: string[], io: CliIo): Promise<number> {
  const { positionals, values: opts } = parseArgs({
    args,
    allowPositionals: true,
    options: { page: { type: 'string' }, values: { type: 'string' } },
  });
  const ref = positionals[0];
  if (ref === undefined) {
    io.err('preview needs a workflow file or id, e.g. idp-chatops preview scale_service');
    return 1;
  }
  const wf = (await resolveWorkflow(ref, io))?.workflow;
  const values = await readValues(opts.values, io);
  if (wf === undefined || values === undefined) return 1;
  const page = opts.page === undefined ? 1 : Number(opts.page);
  if (!Number.isInteger(page) || page < 1 || page > Math.max(1, wf.pages.length)) {
    io.err(`--page must be 1 to ${Math.max(1, wf.pages.length)} for ${wf.id}`);
    return 1;
  }
  io.out(JSON.stringify(buildWorkflowModal({ workflow: wf, page: page - 1, values }), null, 2));
  return 0;
}

async function inputs(args: string[], io: CliIo): Promise<number> {
  const { positionals, values: opts } = parseArgs({
    args,
    allowPositionals: true,
    options: { values: { type: 'string' } },
  });
  const ref = positionals[0];
  if (ref === undefined || opts.values === undefined) {
    io.err(
      'inputs needs a workflow and --values, e.g. idp-chatops inputs scale_service --values answers.json',
    );
    return 1;
  }
  const resolved = await resolveWorkflow(ref, io);
  const answers = await readValues(opts.values, io);
  if (resolved === undefined || answers === undefined) return 1;
  const wf = resolved.workflow;
  const allowExpressions = new Set(resolved.binding?.allowExpressions ?? []);
  let values: FormValues = {};
  let failed = false;
  for (const page of wf.pages) {
    const r = validatePage(page, answers, allowExpressions);
    for (const message of Object.values(r.errors)) {
      io.err(`page ${page.index + 1} (${page.title}): ${message}`);
      failed = true;
    }
    values = { ...values, ...r.values };
  }
  const known = new Set(wf.pages.flatMap((p) => p.allFields.map((f) => f.key)));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) io.err(`${key}: not a field of ${wf.id} (ignored)`);
  }
  if (failed) return 1;
  io.out(buildRuntimeInput(wf, values));
  return 0;
}

async function start(io: CliIo): Promise<number> {
  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      io.err(
        'Fix these (see .env.example), or unset every SLACK_* and HARNESS_* variable to run locally on the built-in simulators.',
      );
      return 1;
    }
    throw err;
  }
  const r = await loadCatalogue(config.manifestsDir);
  printProblems(io, r.problems, r.warnings);
  if (r.catalogue === undefined) {
    io.err(
      `Not starting: fix the ${String(r.problems.length)} problem(s) above (idp-chatops validate lists them).`,
    );
    return 1;
  }
  const logger = createLogger(config.mode === 'local' ? 'warn' : config.logLevel);
  if (config.mode === 'local') {
    io.out(
      'No SLACK_* or HARNESS_* variables set: starting the local sandbox (built-in Slack emulator and Harness simulator).',
    );
    return runLocalSandbox({
      catalogue: r.catalogue,
      manifestsDir: config.manifestsDir,
      databasePath: config.databasePath.replace(/\.db$/, '-local.db'),
      // The emulator is the only caller: any free port will do unless PORT asks for one.
      port: io.env.PORT === undefined ? 0 : config.port,
      input: io.input ?? process.stdin,
      out: io.out,
      logger,
    });
  }
  const bot = await startBot({ config, catalogue: r.catalogue, logger });
  io.out(
    `idp-chatops is running (${config.slack?.appToken === undefined ? `HTTP on port ${String(config.port)}` : 'Socket Mode'}); Ctrl-C stops it.`,
  );
  await (io.stopped ?? untilSignal());
  await bot.stop();
  return 0;
}
