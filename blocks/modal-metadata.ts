import { z } from 'zod';
import { SlackLimitError } from './slack-limit-error.js';
import type { FormValues, JsonValue } from '../src/forms/json-schema.js';
import { LIMITS } from './limits.js';

/**
 * What a workflow modal carries between Slack round-trips in `private_metadata` (≤ 3000
 * chars): the submission has no channel of its own, and earlier pages' answers must survive.
 * When the answers do not fit, the caller keeps them server-side and passes a draft id.
 */
export interface ModalMetadata {
  workflowId: string;
  page: number;
  /** Channel the command was typed in: where the run's card goes. */
  channelId: string | undefined;
  /** Answers of the other pages, when they fit. */
  values: FormValues;
  /** Server-side draft that holds the answers instead. */
  draftId: string | undefined;
}

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const wire = z.object({
  w: z.string(),
  p: z.number().int().min(0),
  c: z.string().optional(),
  v: z.record(z.string(), jsonValue).optional(),
  d: z.string().optional(),
});

export function encodeModalMetadata(m: ModalMetadata): string {
  const out: z.infer<typeof wire> = { w: m.workflowId, p: m.page };
  if (m.channelId !== undefined) out.c = m.channelId;
  if (m.draftId !== undefined) out.d = m.draftId;
  else if (Object.keys(m.values).length > 0) out.v = m.values;
  const text = JSON.stringify(out);
  if (text.length > LIMITS.privateMetadata) {
    throw new SlackLimitError([
      `private_metadata would be ${text.length} characters (limit ${LIMITS.privateMetadata}); keep the answers in a draft`,
    ]);
  }
  return text;
}

/** Parses what Slack hands back; anything else is not one of our modals. */
export function decodeModalMetadata(text: string): ModalMetadata | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = wire.safeParse(raw);
  if (!r.success) return undefined;
  return {
    workflowId: r.data.w,
    page: r.data.p,
    channelId: r.data.c,
    values: r.data.v ?? {},
    draftId: r.data.d,
  };
}
