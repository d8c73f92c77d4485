import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildRunCard } from '../../blocks/build-run-card.js';
import { checkMessageBlocks } from '../../blocks/limits.js';
import { createLogger } from '../../src/logger.js';
import { REDACTED, redactInputs, redactNamedValues } from '../../src/runs/redact.js';
import type { ExecutionView } from '../../src/harness-model/types.js';
import { mustLoad, workflowYaml } from '../helpers/workflow.js';

/**
 * Credential-shaped test values, obviously fake and put together at run time, so no string in
 * the repository looks like a real token to a secret scanner.
 */
const fake = (prefix: string, rest: string): string => prefix + rest;
const FAKE_GITHUB_TOKEN = fake('ghp_', 'FAKE'.repeat(9));

const wf = mustLoad(
  workflowYaml(`    - properties:
        token: { title: Harness Token, type: string, ui:widget: password, ui:field: HarnessAuthToken }
        db_password: { title: Database password, type: string }
        api_key: { title: API Key, type: string }
        secret_identifier: { title: Secret identifier, type: string }
        api_key_id: { title: API Key identifier, type: string }
        service: { title: Service, type: string }`),
);

// [key, title or undefined, whether its value is a secret]
const FIELDS: [string, string | undefined, boolean][] = [
  ['password', 'Password for the org admin', true],
  ['github_token', undefined, true],
  ['db_password', 'Database password (prod scope)', true],
  ['passphrase', undefined, true],
  ['ssh_key', undefined, true],
  ['pin', undefined, true],
  ['tls_key', 'TLS private key (PEM)', true],
  ['githubToken', 'GitHub token for the org', true],
  ['client_secret', 'OAuth client secret', true],
  ['aws_access_key', 'AWS access key', true],
  ['admin_credentials', 'Admin credentials (org scope)', true],
  ['signing', 'Webhook signing key', true],
  ['otp', 'One-time code (OTP)', true],
  ['secret_name', 'Secret value', true],
  ['api_key', 'API key', true],
  // References to secrets, and plain fields, stay readable.
  ['secret_identifier', 'Secret identifier', false],
  ['api_key', 'API Key identifier', false],
  ['api_key_id', undefined, false],
  ['token_identifier', 'Token identifier', false],
  ['secret_name', 'Secret display name', false],
  ['secret_org', 'Secret scoped org', false],
  ['token_ttl', 'Token lifetime in hours', false],
  ['rotation_org', 'Org for rotation API', false],
  ['service', 'Service', false],
  ['target_key', 'Target key', false],
  ['pinned_version', 'Pinned version', false],
  ['spinnaker_app', 'Spinnaker application', false],
  ['keyboard_layout', undefined, false],
];

const tableYaml = FIELDS.map(
  ([key, title], i) =>
    `        f${String(i)}_${key}: { type: string${title === undefined ? '' : `, title: "${title}"`} }`,
).join('\n');
const table = mustLoad(workflowYaml(`    - properties:\n${tableYaml}`));

describe('which fields are secret', () => {
  it.each(FIELDS.map((f, i) => [i, ...f] as const))(
    '%i: %s labelled %s is secret: %s',
    (i, key, title, secret) => {
      // The workflow keys carry a prefix to stay unique; the rule reads the key's own words.
      const k = `f${String(i)}_${key}`;
      expect(redactInputs(table, { [k]: 'value-123' })[k]).toBe(secret ? REDACTED : 'value-123');
    },
  );

  it.each([
    [
      'a PEM private key',
      fake('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\nFAKE-NOT-A-KEY\n-----END OPENSSH PRIVATE KEY-----'),
    ],
    ['a GitHub token', FAKE_GITHUB_TOKEN],
    ['a Slack token', 'xoxb-test-not-a-real-token'],
    ['a Harness token', fake('pat.', 'fake_account.FAKETOKENID.FAKESECRETX')],
    ['an AWS access key id', fake('AKIA', 'FAKE'.repeat(4))],
  ])('hides %s typed into any field', (_what, value) => {
    expect(redactInputs(wf, { service: value }).service).toBe(REDACTED);
  });
});

describe('secrets never reach Slack or the logs', () => {
  it('redacts approver inputs named like secrets, or shaped like credentials, for the audit trail', () => {
    expect(
      redactNamedValues([
        { name: 'change_ticket', value: 'CHG-7' },
        { name: 'db_password', value: 'hunter2' },
        { name: 'note', value: FAKE_GITHUB_TOKEN },
      ]),
    ).toEqual([
      { name: 'change_ticket', value: 'CHG-7' },
      { name: 'db_password', value: REDACTED },
      { name: 'note', value: REDACTED },
    ]);
  });

  it('redacts values of secret-like fields, keeping names of secrets readable', () => {
    expect(
      redactInputs(wf, {
        db_password: 'hunter2',
        api_key: 'sk-live',
        secret_identifier: 'ci_token',
        api_key_id: 'ci_key',
        service: 'api',
      }),
    ).toEqual({
      db_password: REDACTED,
      api_key: REDACTED,
      secret_identifier: 'ci_token',
      api_key_id: 'ci_key',
      service: 'api',
    });
  });

  it('censors tokens and keys in log lines, whoever logs them', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        apiKey: 'pat.secret-1',
        token: 'xoxb-secret-2',
        config: { botToken: 'xoxb-secret-3', signingSecret: 'sig-secret-4' },
        req: { headers: { 'x-api-key': 'pat.secret-5', authorization: 'Bearer xoxb-secret-6' } },
      },
      'hello',
    );
    const out = lines.join('');
    expect(out).toContain('hello');
    for (const n of [1, 2, 3, 4, 5, 6]) expect(out).not.toContain(`secret-${String(n)}`);
  });
});

describe('buildRunCard', () => {
  const view = (steps: number): ExecutionView => ({
    executionId: 'e1',
    pipelineId: 'p',
    name: 'p',
    runSequence: 1,
    status: 'Failed',
    bucket: 'failed',
    startTs: 1000,
    endTs: 61_000,
    failureMessage: 'boom',
    modules: ['pms'],
    git: undefined,
    stages: [
      {
        id: 's',
        name: 'Stage',
        status: 'Failed',
        bucket: 'failed',
        startTs: 1000,
        endTs: 61_000,
        failureMessage: 'boom',
      },
    ],
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `st${String(i)}`,
      name: `Step number ${String(i)} with a long descriptive name`,
      type: 'ShellScript',
      stageId: 's',
      status: i === steps - 1 ? 'Failed' : 'Success',
      bucket: i === steps - 1 ? 'failed' : 'succeeded',
      startTs: 1000 + i,
      endTs: 2000 + i,
      failureMessage: i === steps - 1 ? 'exit code 137 <!channel>' : undefined,
      outputs: {},
      approvalInstanceId: undefined,
    })),
  });
  const base = {
    runId: 'r1',
    workflowTitle: 'Scale <b>',
    requesterId: 'U1',
    status: 'Failed',
    bucket: 'failed',
    executionUrl: 'https://app.harness.io/x',
    note: undefined,
    terminal: true,
    now: 100_000,
  };

  it('shows who, what, the failure reason, and no abort once over', () => {
    const card = buildRunCard({ ...base, inputs: [{ label: 'Service', value: 'api' }], execution: view(3) });
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Requested by <@U1>');
    expect(text).toContain('Scale &lt;b&gt;');
    expect(text).toContain('exit code 137 &lt;!channel&gt;');
    expect(text).toContain('took 1m 00s');
    expect(text).not.toContain('idp_run_abort');
    expect(checkMessageBlocks(card.blocks)).toEqual([]);
  });

  it('stays within Slack limits for long pipelines and many inputs, keeping the newest steps', () => {
    const inputs = Array.from({ length: 14 }, (_, i) => ({
      label: `Field ${String(i)}`,
      value: 'v'.repeat(500),
    }));
    const card = buildRunCard({
      ...base,
      inputs,
      execution: view(200),
      terminal: false,
      status: 'Running',
      bucket: 'running',
    });
    expect(checkMessageBlocks(card.blocks)).toEqual([]);
    const steps = JSON.stringify(card.blocks.find((b) => b.block_id === 'run_steps'));
    expect(steps).toContain('Step number 199');
    expect(steps).not.toContain('Step number 0 ');
    expect(JSON.stringify(card.blocks)).toContain('idp_run_abort');
  });
});

describe('buildPrivateNote', () => {
  it('escapes broadcasts and links but keeps the mentions the bot writes', async () => {
    const { buildPrivateNote } = await import('../../blocks/build-run-messages.js');
    const note = JSON.stringify(
      buildPrivateNote('Run from <#C0OPS> for <@U0BOB>: <!channel> <https://evil|click>').blocks,
    );
    expect(note).toContain('<#C0OPS>');
    expect(note).toContain('<@U0BOB>');
    expect(note).toContain('&lt;!channel&gt;');
    expect(note).toContain('&lt;https://evil|click&gt;');
  });
});
