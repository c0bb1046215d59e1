/**
 * PostgreSQL and Redis unreachable at start: the words come from the error
 * catalogue, the text says where and why, the hint what to check, and the
 * data carry no password.
 */
import { describe, expect, it } from 'vitest';
import { createPostgresDb } from '../../src/db/postgres.js';
import { redisUnreachable } from '../../src/redis/connect.js';
import { freePort } from '../support/services.js';

async function refusal(url: string, kind?: 'embedded'): Promise<unknown> {
  const db = createPostgresDb(url, { connectTimeoutMs: 2000, ...(kind ? { kind } : {}) });
  const err = await db.query('SELECT 1').catch((e: unknown) => e);
  await db.close();
  return err;
}

describe('PostgreSQL unreachable', () => {
  it('says where and why, and to check DATABASE_URL, with the same data for every front end', async () => {
    const port = await freePort();
    const err = await refusal(`postgres://radassoc:hunter2-secret@127.0.0.1:${port}/radassoc`);
    expect(err).toMatchObject({
      code: 'DB_UNREACHABLE',
      text: `cannot reach PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED`,
      hint: 'check DATABASE_URL',
      details: { where: `127.0.0.1:${port}`, reason: 'connect ECONNREFUSED', via: 'postgres' },
    });
    expect(JSON.stringify((err as { details: unknown }).details)).not.toContain('hunter2');
  });

  it("asks whether the daemon still runs when its embedded server's socket does not answer", async () => {
    const port = await freePort();
    const err = await refusal(`postgres://radassoc@127.0.0.1:${port}/radassoc`, 'embedded');
    expect(err).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: `cannot reach PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED; is \`radassoc serve\` still running?`,
      details: { via: 'embedded-daemon' },
    });
  });
});

describe('Redis unreachable at start', () => {
  it('says where and why, removes the password from the reason, and says what to check', () => {
    const e = redisUnreachable('redis://:s3cret-redis@127.0.0.1:6390/0', new Error('WRONGPASS s3cret-redis rejected'));
    expect(e.code).toBe('REDIS_UNREACHABLE');
    expect(e.message).toBe('cannot reach Redis at 127.0.0.1:6390: WRONGPASS *** rejected; check REDIS_URL and that Redis runs');
    expect(e.details).toEqual({ when: 'start', where: '127.0.0.1:6390', reason: 'WRONGPASS *** rejected' });
  });
});
