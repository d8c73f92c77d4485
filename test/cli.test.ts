import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env });
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idp-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('idp-chatops validate', () => {
  it('exits 0 and lists the commands for the shipped catalogue', async () => {
    const r = await run(['validate', 'manifests']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/manifests: 7 workflows OK/);
    expect(r.out).toMatch(/\/rollback\s+rollback_service/);
  });

  it('exits 1 and prints each problem as file:line:col message', async () => {
    await writeFile(path.join(dir, 'commands.yaml'), 'workflows: {}\n');
    const wfDir = path.join(dir, 'workflows');
    await import('node:fs/promises').then((fs) => fs.mkdir(wfDir, { recursive: true }));
    await writeFile(
      path.join(wfDir, 'bad.yaml'),
      'apiVersion: harness.io/v1\nkind: Workflow\nname: x\nidentifier: x\nspec:\n  steps: oops\n',
    );
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:6:10: spec\.steps: must be a list of steps/);
  });
});

describe('idp-chatops preview', () => {
  it('prints the modal view Slack would receive, by workflow id', async () => {
    const r = await run(['preview', 'rotate_token', '--page', '2']);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.out) as {
      type: string;
      title: { text: string };
      submit: { text: string };
      blocks: { block_id?: string }[];
    };
    expect(view).toMatchObject({ type: 'modal', title: { text: 'Rotate a token' }, submit: { text: 'Run' } });
    expect(view.blocks.map((b) => b.block_id)).toContain('f:1:secret_identifier');
  });

  it('reads a workflow file and values', async () => {
    const values = path.join(dir, 'v.json');
    await writeFile(values, JSON.stringify({ replicas: 9 }));
    const r = await run(['preview', 'manifests/workflows/scale-service.yaml', '--values', values]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('"initial_value": "9"');
  });

  it('explains a bad page number or unknown workflow', async () => {
    expect((await run(['preview', 'scale_service', '--page', '3'])).err).toMatch(
      /--page must be 1 to 1 for scale_service/,
    );
    expect((await run(['preview', 'nope'])).err).toMatch(
      /No workflow file or id "nope"\. Known ids: .*scale_service/,
    );
  });
});

describe('idp-chatops inputs', () => {
  it('prints the runtime-input YAML for valid answers', async () => {
    const r = await run(['inputs', 'scale_service', '--values', 'test/fixtures/values/scale_service.json']);
    expect(r.code).toBe(0);
    expect(parse(r.out)).toMatchObject({
      pipeline: {
        identifier: 'scale_service',
        variables: expect.arrayContaining([{ name: 'replicas', type: 'String', value: '6' }]),
      },
    });
  });

  it('exits 1 with the validation errors', async () => {
    const values = path.join(dir, 'bad.json');
    await writeFile(values, JSON.stringify({ service: 's', replicas: 80, extra: 1 }));
    const r = await run(['inputs', 'scale_service', '--values', values]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Target Replicas must be between 0 and 50/);
    expect(r.err).toMatch(/Environment Identifier is required/);
    expect(r.err).toMatch(/extra: not a field of scale_service/);
  });

  it('refuses a Harness expression in a value, and prints no YAML', async () => {
    const values = path.join(dir, 'expr.json');
    await writeFile(
      values,
      JSON.stringify({
        service: 'payments-api',
        environment: 'prod',
        infrastructure: 'k8s-prod-eu',
        workload: 'payments/Deployment/payments-api',
        replicas: 6,
      }).replace('"payments-api"', '"<+secrets.getValue(\\"prod_db_password\\")>"'),
    );
    const r = await run(['inputs', 'scale_service', '--values', values]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      'Service Identifier cannot contain "<+": Harness would run it as an expression with the bot\'s access. Remove it',
    );
  });

  it('explains values that are not JSON', async () => {
    const values = path.join(dir, 'notjson.json');
    await writeFile(values, '{ nope');
    expect((await run(['inputs', 'scale_service', '--values', values])).err).toMatch(
      /cannot read values as JSON/,
    );
  });
});

describe('idp-chatops start', () => {
  it('lists every configuration problem with its fix and exits 1', async () => {
    const r = await run(['start'], { SLACK_BOT_TOKEN: 'xoxb-test', HARNESS_ACCOUNT_ID: 'acc' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(r.err).toMatch(/HARNESS_API_KEY is missing/);
    expect(r.err).not.toContain('xoxb-test');
  });

  it('with no Slack or Harness settings, runs the local sandbox (and stops when input ends)', async () => {
    const input = new PassThrough();
    input.end('quit\n');
    let out = '';
    const code = await main(['start'], {
      out: (t) => (out += `${t}\n`),
      err: () => undefined,
      env: { PORT: '0', DATABASE_PATH: path.join(dir, 'local.db') },
      input,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/starting the local sandbox/);
    expect(out).toMatch(/Local sandbox: bot http:\/\/127\.0\.0\.1:\d+/);
  });

  it('prints usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Unknown command "frobnicate"/);
  });
});

describe('idp-chatops <command> --help', () => {
  it.each(['start', 'validate', 'preview', 'inputs', 'harness-sim'])(
    '%s --help prints its usage and starts nothing',
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const r = await run([command, flag]);
        expect(r.code).toBe(0);
        expect(r.out).toContain(`Usage: idp-chatops ${command}`);
        expect(r.err).toBe('');
      }
    },
  );

  it('a wrong option is named, with the usage, instead of a stack trace', async () => {
    const r = await run(['harness-sim', '--prot', '4100']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("Unknown option '--prot'");
    expect(r.err).toContain('Usage: idp-chatops harness-sim');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('idp-chatops steps', () => {
  it('prints exactly the functions: section slack-app.yaml carries for the shipped catalogue', async () => {
    const r = await run(['steps', 'manifests']);
    expect(r.code).toBe(0);
    const printed = parse(r.out) as { functions: Record<string, unknown> };
    const manifest = parse(
      await import('node:fs/promises').then((fs) => fs.readFile('slack-app.yaml', 'utf8')),
    ) as { functions: Record<string, unknown> };
    expect(Object.keys(printed.functions)).toHaveLength(7);
    expect(printed.functions).toEqual(manifest.functions);
  });
});
