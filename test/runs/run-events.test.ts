import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/logger.js';
import type { RunRecord } from '../../src/ports/store.js';
import { RunEvents } from '../../src/runs/run-events.js';
import { RUN_STATES } from '../../src/runs/run-status.js';
import { execution } from '../helpers/fake-ports.js';

const run: RunRecord = {
  ...{ id: 'r1', workflowId: 'wf', requesterId: 'U1', channelId: 'C1', cardTs: '1.1' },
  ...{ executionId: undefined, orgId: 'default', projectId: 'p', pipelineId: 'pl' },
  ...{ ...RUN_STATES.starting, inputs: {}, executionUrl: undefined, error: undefined },
  ...{ createdAt: 0, updatedAt: 0, finishedAt: undefined },
};

/** A bus whose log lines the test reads. */
function bus() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(z.record(z.string(), z.unknown()).parse(JSON.parse(chunk.toString())));
      done();
    },
  });
  return { events: new RunEvents(createLogger('info', sink)), lines };
}

describe('run events', () => {
  it('subscribers run in the order they subscribed, each awaited; observers after them', async () => {
    const { events } = bus();
    const order: string[] = [];
    events.observe('run.requested', () => {
      order.push('metrics');
    });
    events.on('run.requested', async (e) => {
      await new Promise((r) => setTimeout(r, 10));
      order.push(`card ${e.run.id}`);
      return 'done';
    });
    events.on('run.requested', async () => {
      order.push('thread');
      return Promise.resolve('done');
    });
    expect(await events.emit('run.requested', { run, at: 1 })).toBe('done');
    expect(order).toEqual(['card r1', 'thread', 'metrics']);
  });

  it('stops at the first subscriber not done: those after it and the observers wait for the next emit', async () => {
    const { events } = bus();
    const order: string[] = [];
    let cardShown = false;
    events.on('run.requested', () => {
      order.push('card');
      return Promise.resolve(cardShown ? 'done' : 'later');
    });
    events.on('run.requested', () => {
      order.push('thread');
      return Promise.resolve('done');
    });
    events.observe('run.requested', () => {
      order.push('metrics');
    });
    expect(await events.emit('run.requested', { run, at: 1 })).toBe('later');
    expect(order).toEqual(['card']);
    cardShown = true;
    expect(await events.emit('run.requested', { run, at: 2 })).toBe('done');
    expect(order).toEqual(['card', 'card', 'thread', 'metrics']);
  });

  it('a subscriber that throws makes the verdict later and is logged with the run id; a failing observer is logged and changes nothing', async () => {
    const { events, lines } = bus();
    events.on('run.requested', () => Promise.reject(new Error('database is locked')));
    expect(await events.emit('run.requested', { run, at: 1 })).toBe('later');
    expect(lines.at(-1)).toMatchObject({ runId: 'r1', event: 'run.requested', err: 'database is locked' });

    const other = bus();
    other.events.on('run.finished', () => Promise.resolve('done'));
    other.events.observe('run.finished', () => {
      throw new Error('label cardinality');
    });
    const view = execution('Success');
    expect(await other.events.emit('run.finished', { run, view, at: 1 })).toBe('done');
    expect(other.lines.at(-1)).toMatchObject({
      runId: 'r1',
      event: 'run.finished',
      err: 'label cardinality',
    });
  });
});
