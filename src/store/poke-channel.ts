import pg from 'pg';
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/** The PostgreSQL notification channel every replica listens on. */
export const POKE_CHANNEL = 'idp_chatops_poke';

const message = z.object({ schema: z.string(), executionId: z.string() });

/** Tells every replica (through the database) that an execution changed. */
export interface PokeChannel {
  /** Settles once the first LISTEN was tried (a failed one is tried again in the background). */
  ready: Promise<void>;
  notify(executionId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `LISTEN`/`NOTIFY` on one dedicated connection (a pooled one would be handed to other queries
 * and miss notifications). The connection is opened again after it drops; a notification sent
 * meanwhile is missed, which only delays a card until its run's next poll. Replicas of other
 * bots on other schemas of the same database hear the channel too, so the payload names the
 * schema and those are ignored.
 */
export function listenForPokes(
  url: string,
  onPoke: (executionId: string) => void,
  logger: Logger,
  reconnectMs = 1000,
): PokeChannel {
  let client: pg.Client | undefined;
  let schema: string | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const reconnect = (c: pg.Client): void => {
    if (closed || client !== c) return;
    client = undefined;
    void c.end().catch(() => undefined);
    retry = setTimeout(() => void connect(), reconnectMs);
    retry.unref();
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('error', (err) => {
      logger.warn({ err: errorMessage(err) }, 'the LISTEN connection dropped; opening it again');
      reconnect(c);
    });
    c.on('end', () => {
      reconnect(c);
    });
    c.on('notification', (n) => {
      if (n.channel !== POKE_CHANNEL || n.payload === undefined) return;
      let parsed;
      try {
        parsed = message.safeParse(JSON.parse(n.payload));
      } catch {
        return;
      }
      if (parsed.success && parsed.data.schema === schema) onPoke(parsed.data.executionId);
    });
    try {
      await c.connect();
      const { rows } = await c.query('select current_schema() as schema');
      schema = z.array(z.object({ schema: z.string() })).parse(rows)[0]?.schema;
      await c.query(`LISTEN ${POKE_CHANNEL}`);
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, 'could not LISTEN for webhook pokes; trying again');
      reconnect(c);
    }
  };

  const ready = connect();

  return {
    ready,
    async notify(executionId) {
      await ready;
      const c = client;
      if (c === undefined || schema === undefined) throw new Error('the LISTEN connection is not open');
      await c.query('select pg_notify($1, $2)', [POKE_CHANNEL, JSON.stringify({ schema, executionId })]);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await ready;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
