import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, capBytes } from '../src/cap-bytes.js';

const body = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('capBytes', () => {
  it('passes a body up to the limit through whole', async () => {
    await expect(text(capBytes(body('ab', 'cd'), 4))).resolves.toBe('abcd');
  });

  it('stops with BodyTooLargeError at the first chunk past the limit', async () => {
    let pulled = 0;
    async function* counted() {
      for (const part of ['ab', 'cd', 'ef', 'gh']) {
        await Promise.resolve();
        pulled++;
        yield Buffer.from(part);
      }
    }
    await expect(text(capBytes(counted(), 5))).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled).toBe(3);
  });
});
