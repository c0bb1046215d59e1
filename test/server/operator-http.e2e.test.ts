/** The operator's loopback HTTP: Prometheus metrics and a health check that tells the truth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { PacketCode, Attr } from '../../src/protocol/codes.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { freePort, startRedis, type RedisServer } from '../support/services.js';
import { attr, SimulatedNas } from '../support/nas.js';

let t: TestDaemon;
let redis: RedisServer;
let base: string;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: 'metrics-secret-0123456789abcdef!' });
  await db.close();
  redis = await startRedis();
  const httpPort = await freePort();
  t = await startTestDaemon(url, { httpPort, redisUrl: redis.url });
  base = `http://127.0.0.1:${httpPort}`;
});

afterAll(async () => {
  await t?.stop();
  await redis?.destroy();
});

describe('operator HTTP', () => {
  it('exposes answers, drops by reason and latency in Prometheus text format', async () => {
    const nas = await SimulatedNas.open('metrics-secret-0123456789abcdef!');
    await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'nobody'), attr(Attr.UserPassword, 'x')] }, t.auth);
    await nas.sendRaw(Buffer.from('garbage'), t.auth, 200);
    nas.close();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/radassoc_requests_answered_total\{kind="access",result="reject"\} 1/);
    expect(text).toMatch(/radassoc_requests_answered_total\{kind="access",result="accept"\} 0/);
    expect(text).toMatch(/radassoc_packets_dropped_total\{reason="datagram-too-short"\} 1/);
    expect(text).toMatch(/radassoc_request_duration_seconds_count\{kind="access"\} 1/);
    expect(text).toMatch(/radassoc_process_resident_memory_bytes/);
    expect(text).not.toContain('metrics-secret');
  });

  it('is ready when listeners, database and session store answer, and says which one does not', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'listeners', 'sessionStore']);

    await redis.stop();
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    expect(downBody.checks.sessionStore?.ok).toBe(false);
    expect(downBody.checks.database?.ok).toBe(true);
    await redis.start();
    const end = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < end && status !== 200) {
      status = (await fetch(`${base}/healthz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
