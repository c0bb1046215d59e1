import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { JOURNAL_FILE, MemoryStore } from '../../src/accounting/memory-store.js';
import { openSessionStore } from '../../src/accounting/open-store.js';
import { RedisStore } from '../../src/accounting/redis-store.js';
import { freePort } from '../support/services.js';
import { redisPrefix } from '../support/database.js';
import { start } from './records.js';

describe('openSessionStore', () => {
  it('without a Redis URL opens the journaled in-process store under the data directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'radassoc-open-')), 'data');
    const store = await openSessionStore({ redisUrl: null, dataDir: dir });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.applyRecord(start());
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(true);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with a Redis URL opens the Redis store', async () => {
    const store = await openSessionStore({ redisUrl: inject('redisUrl'), dataDir: '/nonexistent', prefix: redisPrefix() });
    expect(store).toBeInstanceOf(RedisStore);
    expect(await store.applyRecord(start())).toMatchObject({ action: 'created' });
    await store.close();
  });

  it('refuses to start against an unreachable Redis, saying what to check', async () => {
    const port = await freePort();
    const t = Date.now();
    await expect(openSessionStore({ redisUrl: `redis://127.0.0.1:${port}`, dataDir: '/nonexistent' })).rejects.toMatchObject({
      code: 'REDIS_UNREACHABLE',
      message: expect.stringMatching(/REDIS_URL/),
    });
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
