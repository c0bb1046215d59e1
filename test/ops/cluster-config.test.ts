/** `--workers N` refuses, in the catalogue's words, a configuration only one process can run. */
import { describe, expect, it } from 'vitest';
import { isRadassocError } from '../../src/errors.js';
import { assertClusterable } from '../../src/ops/cluster.js';

function refusal(config: Parameters<typeof assertClusterable>[0], count: number): unknown {
  try {
    assertClusterable(config, count);
    return null;
  } catch (e) {
    return e;
  }
}

describe('several workers', () => {
  it('need both DATABASE_URL and REDIS_URL, and the refusal names what is missing', () => {
    const e = refusal({ databaseUrl: null, redisUrl: null, workers: 2 }, 2);
    expect(isRadassocError(e) && e.code).toBe('CONFIG_INVALID');
    if (!isRadassocError(e)) throw e;
    expect(e.message).toBe(
      '--workers 2 (2 processes) needs PostgreSQL and Redis shared by every worker: set DATABASE_URL and REDIS_URL ' +
        '(the embedded database and the in-process session store belong to one process), or run with --workers 1',
    );
    expect(e.details).toEqual({ workers: 2, count: 2, missing: ['DATABASE_URL', 'REDIS_URL'] });
  });

  it('say which one URL is missing, with auto as given', () => {
    const e = refusal({ databaseUrl: 'postgres://db/radassoc', redisUrl: null, workers: 'auto' }, 4);
    if (!isRadassocError(e)) throw new Error('expected a refusal');
    expect(e.text).toMatch(/^--workers auto \(4 processes\) needs .*: set REDIS_URL \(/);
    expect(e.details).toEqual({ workers: 'auto', count: 4, missing: ['REDIS_URL'] });
  });

  it('run when both are shared, and one process always runs', () => {
    expect(refusal({ databaseUrl: 'postgres://db/radassoc', redisUrl: 'redis://127.0.0.1:6379', workers: 2 }, 2)).toBeNull();
    expect(refusal({ databaseUrl: null, redisUrl: null, workers: 1 }, 1)).toBeNull();
  });
});
