/**
 * Per-NAS activity on the embedded default: the real binary serving from
 * PGlite writes what it counted when it stops (SIGTERM), and `nas diagnose`
 * reads it afterwards from the same data directory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { runCli } from '../admin/cli-harness.js';
import { AcctStatus, Attr, PacketCode } from '../../src/protocol/codes.js';
import type { NasDiagnosis } from '../../src/lifecycle/nas-diagnose.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { waitForOutput } from '../support/child-output.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
let daemon: ChildProcess | undefined;

afterAll(() => {
  daemon?.kill('SIGKILL');
});


describe('NAS activity on the embedded default', () => {
  it('is written at shutdown and read by nas diagnose', async () => {
    const dataDir = tempDir('radassoc-activity-');
    const [auth, acct, http, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = { ...process.env };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR', 'LOG_LEVEL']) delete env[k];
    const configFile = join(dataDir, 'radassoc.json');
    writeFileSync(configFile, JSON.stringify({ embeddedDbPort: pgPort }), { mode: 0o600 });
    daemon = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--config', configFile, '--auth-port', String(auth), '--acct-port', String(acct), '--http-port', String(http)], { env });
    let log = '';
    daemon.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    await waitForOutput(daemon, /radassoc serving/, 90_000);
    const secret = readFileSync(join(dataDir, 'localhost.secret'), 'utf8').trim();

    const start = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, AcctStatus.Start), attr(Attr.AcctSessionId, 'A1'), attr(Attr.UserName, 'alice')] };
    const right = await SimulatedNas.open(secret);
    const wrong = await SimulatedNas.open(`${secret}-but-not-quite`);
    try {
      expect((await right.request(start, acct)).response?.code).toBe(PacketCode.AccountingResponse);
      expect((await wrong.request(start, acct, { timeoutMs: 300 })).response).toBeNull();
    } finally {
      right.close();
      wrong.close();
    }
    // The daemon's log names the cause (its stdout was gathered from the start).
    for (let i = 0; i < 100 && !log.includes('accounting Request Authenticator does not verify'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('accounting Request Authenticator does not verify: shared secret probably wrong');

    const exit = new Promise<number | null>((resolve) => daemon!.once('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await exit).toBe(0);
    daemon = undefined;
    expect(log).not.toContain(secret);

    const r = await runCli(['nas', 'diagnose', 'localhost', '--json', '--data-dir', dataDir, '--config', configFile]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as NasDiagnosis;
    expect(d.nas?.name).toBe('localhost');
    expect(d.answered).toBe(1);
    expect(d.dropped).toEqual({ 'bad-authenticator': 1 });
    expect(d.last_drop?.cause).toBe('shared secret probably wrong');
  }, 180_000);
});
