import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/ports/store.js';
import { RUN_STATES, isTerminal, parseRunBucket } from '../../src/runs/run-status.js';
import { openStore } from '../../src/store/open-store.js';

const run: RunRecord = {
  ...{ id: 'r1', workflowId: 'wf', requesterId: 'U1', channelId: 'C1', cardTs: undefined },
  ...{ executionId: undefined, orgId: 'default', projectId: 'p', pipelineId: 'pl' },
  ...{ ...RUN_STATES.starting, inputs: {}, executionUrl: undefined, error: undefined },
  ...{ createdAt: 0, updatedAt: 0, finishedAt: undefined },
};

let dir = '';
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('a run’s bucket', () => {
  it('reads back from the store as the union; a value the bot does not know reads as unknown, never terminal', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idp-status-'));
    const file = path.join(dir, 'bot.db');
    const store = await openStore({ databasePath: file });
    await store.runs.create(run);
    expect((await store.runs.get('r1'))?.bucket).toBe('starting');
    await store.close();
    // A newer build (or a hand edit) wrote a bucket this build does not know.
    const db = new Database(file);
    db.prepare("UPDATE runs SET bucket = 'drifting' WHERE id = 'r1'").run();
    db.close();
    const again = await openStore({ databasePath: file });
    const read = await again.runs.get('r1');
    await again.close();
    expect(read?.bucket).toBe('unknown');
    expect(isTerminal(read?.bucket ?? 'failed')).toBe(false);
  });

  it('parses every bucket it writes unchanged', () => {
    for (const s of Object.values(RUN_STATES)) expect(parseRunBucket(s.bucket)).toBe(s.bucket);
    expect(parseRunBucket('succeeded')).toBe('succeeded');
    expect(isTerminal('starting')).toBe(false);
  });
});
