/**
 * A flood from one NAS must not starve the others (src/server/fairness.ts).
 * NAS A (127.0.0.2, its own process) sends valid Access-Requests as fast as
 * it can; meanwhile NAS B (127.0.0.1) logs in as a NAS does (one retransmit
 * after a second) and must be answered nearly every time, while A's excess
 * is refused cheaply and counted as 'overload'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { insertNas } from '../../src/db/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { startHardenedDaemon, type HardenedDaemon } from './support/daemon.js';

const FLOOD_SECRET = 'flooding-nas-secret-of-32-octets';
const QUIET_SECRET = 'quiet-nas-secret-of-32-octets-ok';
const FLOOD_SECONDS = 5;
let t: HardenedDaemon;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'flooding', address: '127.0.0.2/32', secret: FLOOD_SECRET });
  await insertNas(db, { name: 'quiet', address: '127.0.0.1/32', secret: QUIET_SECRET });
  await db.close();
  t = await startHardenedDaemon({ databaseUrl: url, logLevel: 'warn' });
  await t.addMember('flood-user', 'flood-pass');
  await t.addMember('quiet-user', 'quiet-pass');
});

afterAll(async () => {
  await t?.stop();
});

function flood(seconds: number): Promise<{ sent: number; answered: number }> {
  const script = fileURLToPath(new URL('./support/flooder.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, '127.0.0.2', String(t.auth), FLOOD_SECRET, String(seconds), 'flood-user', 'flood-pass'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { sent: number; answered: number }) : reject(new Error(`flooder exited with ${code}`))));
  });
}

describe('fairness between NAS clients', () => {
  it('keeps answering a quiet NAS while another NAS floods the server', async () => {
    const flooding = flood(FLOOD_SECONDS);
    await new Promise((r) => setTimeout(r, 500));
    const quiet = await SimulatedNas.open(QUIET_SECRET, '127.0.0.1');
    const end = Date.now() + (FLOOD_SECONDS - 1) * 1000;
    let attempts = 0;
    let answered = 0;
    const latencies: number[] = [];
    while (Date.now() < end) {
      attempts++;
      const started = performance.now();
      const spec = { code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'quiet-user'), attr(Attr.UserPassword, 'quiet-pass')] };
      const { response, sent } = await quiet.request(spec, t.auth, { timeoutMs: 1000 });
      let accepted = response?.code === PacketCode.AccessAccept;
      // As a NAS does: the same request again after its timeout.
      if (!response && (await quiet.sendRaw(sent, t.auth, 1000))) accepted = true;
      if (accepted) {
        answered++;
        latencies.push(performance.now() - started);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    quiet.close();
    const flooder = await flooding;
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)] ?? NaN;
    const overload = t.daemon.metrics.drops.overload;
    console.log(`flood: ${flooder.sent} sent, ${flooder.answered} answered, ${overload} refused as overload; quiet NAS: ${answered}/${attempts} answered, p50 ${p50.toFixed(1)} ms`);
    expect(attempts).toBeGreaterThan(40);
    expect(answered / attempts).toBeGreaterThanOrEqual(0.95);
    // The flood really was more than the server could take, and its excess was counted.
    expect(flooder.answered).toBeLessThan(flooder.sent);
    expect(overload).toBeGreaterThan(0);
    expect(t.log.find('NAS over its share').length).toBeGreaterThan(0);
  });
});
