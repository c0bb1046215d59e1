import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { freshDatabaseUrl } from './support/database.js';

describe('test services', () => {
  it('starts a real PostgreSQL and a real Redis', async () => {
    const url = await freshDatabaseUrl();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query<{ v: number }>('select 41 + 1 as v');
    expect(r.rows[0]?.v).toBe(42);
    await c.end();
    const redis = new Redis(inject('redisUrl'));
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    redis.disconnect();
  });
});
