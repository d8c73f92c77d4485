import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildWorkflowModal } from '../blocks/build-workflow-modal.js';
import { SlackLimitError } from '../blocks/slack-limit-error.js';
import { fieldsOfPage } from './forms/form-page.js';
import { loadCatalogue } from './catalogue/load-catalogue.js';
import { loadWorkflows } from './catalogue/load-workflow.js';
import type { Binding } from './catalogue/bindings.js';
import type { Workflow } from './catalogue/workflow.js';
import { loadConfig } from './config.js';
import { ConfigError, errorMessage, formatProblem, IdpChatopsError } from './errors.js';
import type { SourceProblem } from './errors.js';
import { isRecord } from './is-record.js';
import type { FormValues, JsonValue } from './forms/json-schema.js';
import { fromParameters } from './forms/parameters.js';
import { buildRuntimeInput } from './catalogue/workflow-parameters.js';
import { stepFunctions } from './catalogue/step-functions.js';
import { stringify } from 'yaml';
import { validatePage } from './forms/validate-page.js';
import { harnessSimCommand } from './harness/simulator/command.js';
import { startBot } from './bot.js';
import { createLogger } from './logger.js';
import { runLocalSandbox } from './sandbox/local.js';
import { runRealSlackWithSimulatedHarness } from './sandbox/real-slack.js';

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

/** Each subcommand's usage: printed for `<command> --help` and after a wrong option. */
const COMMAND_USAGE: Record<string, string> = {
  start: `Usage: idp-chatops start

Runs the bot. Configuration comes from the environment (see .env.example); with no SLACK_* and
no HARNESS_* variable set it starts the local sandbox on the built-in Slack emulator and
Harness simulator.
`,
  validate: `Usage: idp-chatops validate [dir]

Checks every workflow in dir/workflows, the pipelines and dir/commands.yaml (default dir:
MANIFESTS_DIR or manifests). Prints each problem as file:line:col; exits 1 if there is any.
`,
  preview: `Usage: idp-chatops preview <workflow> [--page N] [--values file.json] [--id ID]

Prints the modal view Slack would receive (paste it into Block Kit Builder).
  --page N            the page of a multi-page form, from 1 (default 1)
  --values file.json  answers shown as the fields' initial values
  --id ID             the workflow to show, when the file holds several
`,
  inputs: `Usage: idp-chatops inputs <workflow> --values file.json [--id ID]

Validates the answers in file.json (field name to value) as the form would, and prints the
runtime-input YAML the bot would send to Harness. Nested objects may be given as JSON objects.
  --id ID             the workflow to use, when the file holds several
`,
  steps: `Usage: idp-chatops steps [dir]

Prints the \`functions:\` section of slack-app.yaml for the bound workflows of dir (default
MANIFESTS_DIR): each as a Workflow Builder custom step. Paste it over the one in slack-app.yaml.
`,
  'harness-sim': `Usage: idp-chatops harness-sim [options]

Runs the Harness simulator on loopback and prints its base URL.
  --port N            port to listen on (default 0: a free one)
  --speed X           run pipelines X times faster than Harness (default 1)
  --api-key K         add an administrator with key K, in every user group
  --seed file.yaml    people, groups and keys instead of the built-in seed
  --manifests dir     where pipelines/ is (default manifests)
  --webhook-url URL   post pipeline notifications there, as Harness does
`,
};

const USAGE = `Usage: idp-chatops <command> [options]

Commands:
  start                                  run the bot
  validate [dir]                         check every workflow and the command bindings
  preview <workflow> [--page N] [--values file.json] [--id ID]
                                         print the modal view Slack would receive
  inputs <workflow> --values file.json [--id ID]
                                         validate answers and print the runtime-input YAML
  steps [dir]                            print slack-app.yaml's functions: (Workflow Builder steps)
  harness-sim [--port N] [--speed X] [--api-key K] [--seed file] [--webhook-url URL]
                                         run the Harness simulator; prints its base URL

<workflow> is a workflow file or the id of a workflow in MANIFESTS_DIR (default: manifests);
--id picks one workflow of a file that holds several (YAML documents separated by ---).
\`idp-chatops <command> --help\` explains one command.
`;

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  env: process.env,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const usage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (usage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    io.out(usage);
    return 0;
  }
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
      case 'steps':
        return await steps(rest, io);
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
    if (err instanceof IdpChatopsError || err instanceof SlackLimitError) {
      io.err(err.message);
      return 1;
    }
    if (usage !== undefined && isParseArgsError(err)) {
      io.err(`${err.message}\n\n${usage}`);
      return 1;
    }
    throw err;
  }
}

/** node:util parseArgs refuses unknown options and missing values with these codes. */
function isParseArgsError(err: unknown): err is Error {
  return err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS_');
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

/** The manifest's `functions:` section, generated from the catalogue (a test keeps the two in step). */
async function steps(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const dir = positionals[0] ?? manifestsDir(io);
  const r = await loadCatalogue(dir);
  printProblems(io, r.problems, r.warnings);
  if (r.catalogue === undefined) return 1;
  io.out(stringify({ functions: stepFunctions(r.catalogue) }, { lineWidth: 0 }));
  return 0;
}

/** A workflow by file or id; from the catalogue it comes with its binding (its Slack rules). */
async function resolveWorkflow(
  ref: string,
  io: CliIo,
  id?: string,
): Promise<{ workflow: Workflow; binding: Binding | undefined } | undefined> {
  const isFile = await stat(ref).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) {
    const workflow = await workflowOfFile(ref, io, id);
    return workflow === undefined ? undefined : { workflow, binding: undefined };
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

async function workflowOfFile(
  file: string,
  io: CliIo,
  id: string | undefined,
): Promise<Workflow | undefined> {
  const results = loadWorkflows(file, await readFile(file, 'utf8'));
  printProblems(
    io,
    results.flatMap((r) => r.problems),
    results.flatMap((r) => r.warnings),
  );
  const loaded = results.flatMap((r) => (r.workflow === undefined ? [] : [r.workflow]));
  if (results.some((r) => r.problems.length > 0)) return undefined;
  const chosen = id === undefined && loaded.length === 1 ? loaded[0] : loaded.find((w) => w.id === id);
  if (chosen === undefined) {
    const ids = loaded.map((w) => w.id).join(', ');
    io.err(
      id === undefined
        ? `${file} holds ${loaded.length} workflows (${ids}); pick one with --id`
        : `${file} has no workflow "${id}"; it holds: ${ids}`,
    );
  }
  return chosen;
}

async function readValues(file: string | undefined, io: CliIo): Promise<FormValues | undefined> {
  if (file === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    io.err(`${file}: cannot read values as JSON: ${errorMessage(err)}`);
    return undefined;
  }
  if (!isRecord(raw)) {
    io.err(`${file}: values must be a JSON object of field name to value`);
    return undefined;
  }
  return raw as Record<string, JsonValue>;
}

/** The workflow and the answers of `--values`, nested objects' answers flattened to field keys. */
async function workflowWithAnswers(
  ref: string,
  opts: { id?: string | undefined; values?: string | undefined },
  io: CliIo,
): Promise<{ wf: Workflow; answers: FormValues; binding: Binding | undefined } | undefined> {
  const resolved = await resolveWorkflow(ref, io, opts.id);
  const given = await readValues(opts.values, io);
  if (resolved === undefined || given === undefined) return undefined;
  const wf = resolved.workflow;
  return {
    wf,
    binding: resolved.binding,
    answers: fromParameters(
      wf.pages.flatMap((p) => p.allFields),
      given,
    ),
  };
}

async function preview(args: string[], io: CliIo): Promise<number> {
  const { positionals, values: opts } = parseArgs({
    args,
    allowPositionals: true,
    options: { page: { type: 'string' }, values: { type: 'string' }, id: { type: 'string' } },
  });
  const ref = positionals[0];
  if (ref === undefined) {
    io.err('preview needs a workflow file or id, e.g. idp-chatops preview scale_service');
    return 1;
  }
  const loaded = await workflowWithAnswers(ref, opts, io);
  if (loaded === undefined) return 1;
  const { wf, answers: values } = loaded;
  const page = opts.page === undefined ? 1 : Number(opts.page);
  if (!Number.isInteger(page) || page < 1 || page > Math.max(1, wf.pages.length)) {
    io.err(`--page must be 1 to ${Math.max(1, wf.pages.length)} for ${wf.id}`);
    return 1;
  }
  const fields = fieldsOfPage(wf.pages[page - 1], values);
  io.out(JSON.stringify(buildWorkflowModal({ workflow: wf, page: page - 1, values, fields }), null, 2));
  return 0;
}

async function inputs(args: string[], io: CliIo): Promise<number> {
  const { positionals, values: opts } = parseArgs({
    args,
    allowPositionals: true,
    options: { values: { type: 'string' }, id: { type: 'string' } },
  });
  const ref = positionals[0];
  if (ref === undefined || opts.values === undefined) {
    io.err(
      'inputs needs a workflow and --values, e.g. idp-chatops inputs scale_service --values answers.json',
    );
    return 1;
  }
  const loaded = await workflowWithAnswers(ref, opts, io);
  if (loaded === undefined) return 1;
  const { wf, answers, binding } = loaded;
  const allowExpressions = new Set(binding?.allowExpressions ?? []);
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
  const logger = createLogger(config.mode === 'connected' ? config.logLevel : 'warn');
  const side = (prefix: string) =>
    Object.fromEntries(Object.entries(io.env).filter(([name]) => name.startsWith(prefix)));
  if (config.mode === 'mixed' && config.slack !== undefined) {
    io.out(
      'SLACK_* set and no HARNESS_API_KEY or HARNESS_ACCOUNT_ID: running on your Slack workspace with the built-in Harness simulator (set both to use your Harness account).',
    );
    return runRealSlackWithSimulatedHarness({
      catalogue: r.catalogue,
      manifestsDir: config.manifestsDir,
      databasePath: config.databasePath.replace(/\.db$/, '-simulated-harness.db'),
      port: config.port,
      slackEnv: side('SLACK_'),
      encryptionKey: config.encryptionKey,
      stopped: io.stopped ?? untilSignal(),
      out: io.out,
      logger,
    });
  }
  if (config.mode !== 'connected') {
    io.out(
      config.harness === undefined
        ? 'No SLACK_* or HARNESS_* variables set: starting the local sandbox (built-in Slack emulator and Harness simulator).'
        : `HARNESS_* set and no SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: starting the local sandbox on the built-in Slack emulator with your Harness account at ${config.harness.apiUrl} (set the SLACK_* variables to use your workspace).`,
    );
    return runLocalSandbox({
      catalogue: r.catalogue,
      manifestsDir: config.manifestsDir,
      databasePath: config.databasePath.replace(/\.db$/, '-local.db'),
      // The emulator is the bot's only caller: any free port will do. PORT is the page's.
      port: 0,
      webPort: config.port,
      stopped: io.stopped ?? untilSignal(),
      ...(config.harness === undefined ? {} : { harnessEnv: side('HARNESS_') }),
      transport: config.localTransport,
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
