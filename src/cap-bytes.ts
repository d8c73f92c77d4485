/** A request body was longer than its reader allows. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${String(limit)} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Passes a body's chunks on to a `node:stream/consumers` reader (`text`, `json`, `buffer`) until
 * more than `limit` bytes came, then throws `BodyTooLargeError`: the reader stops at the cap
 * instead of buffering whatever a sender chooses to send.
 */
export async function* capBytes(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    yield chunk;
  }
}
