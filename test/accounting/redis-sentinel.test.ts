/**
 * REDIS_URL naming a Sentinel deployment: the session store finds the master
 * through a real redis-sentinel, and the URL forms parse as documented.
 */
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSessionStore } from '../../src/accounting/open-store.js';
import { describeRedisUrl } from '../../src/redis/connect.js';
import { freePort, redisServerBinary, startRedis, type RedisServer } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { rec } from './records.js';

let master: RedisServer;
let sentinel: ChildProcess;
let sentinelPort: number;

beforeAll(async () => {
  master = await startRedis();
  sentinelPort = await freePort();
  const dir = tempDir('radassoc-sentinel-');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor radassoc 127.0.0.1 ${master.port} 1`, ''].join('\n'));
  sentinel = spawn(redisServerBinary(), [conf, '--sentinel'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
});

afterAll(async () => {
  sentinel?.kill('SIGKILL');
  await master?.destroy();
});

describe('Redis through Sentinel', () => {
  it('stores an accounting record on the master the sentinel names', async () => {
    const store = await openSessionStore({ redisUrl: `redis-sentinel://127.0.0.1:${sentinelPort}/radassoc`, dataDir: tempDir(), prefix: 'sentinel-test:' });
    try {
      await store.applyRecord(rec({ statusType: 'start', acctSessionId: 'sent-1', username: 'alice' }));
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('parses single, Sentinel and Cluster URLs', () => {
    expect(describeRedisUrl('redis://:pw@10.0.0.1:6379/0')).toEqual({ mode: 'single', hosts: ['redis://10.0.0.1:6379/0'] });
    expect(describeRedisUrl('redis-sentinel://:pw@s1:26379,s2,[::1]:26380/mymaster?db=2')).toEqual({
      mode: 'sentinel',
      hosts: ['s1:26379', 's2:26379', '::1:26380'],
      master: 'mymaster',
    });
    expect(describeRedisUrl('redis-cluster://n1:7000,n2:7001')).toEqual({ mode: 'cluster', hosts: ['n1:7000', 'n2:7001'] });
  });
});
