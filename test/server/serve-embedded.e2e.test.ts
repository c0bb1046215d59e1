/**
 * The first of the README's two commands, as a new user meets it: the real
 * binary on the embedded default, a member added from a second process, an
 * independent client (radtest) answered, and SIGTERM ending it cleanly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { runCli } from '../admin/cli-harness.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { waitForOutput } from '../support/child-output.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
const run = promisify(execFile);
let daemon: ChildProcess | undefined;

afterAll(() => {
  daemon?.kill('SIGKILL');
});


describe('radassoc serve on the embedded default', () => {
  it('answers radtest for a member added from another process, then stops on SIGTERM with exit 0', async () => {
    const dataDir = tempDir('radassoc-embedded-');
    const [auth, acct, http, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = { ...process.env };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR']) delete env[k];
    const configFile = join(dataDir, 'radassoc.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configFile, JSON.stringify({ embeddedDbPort: pgPort }), { mode: 0o600 });
    daemon = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--config', configFile, '--auth-port', String(auth), '--acct-port', String(acct), '--http-port', String(http)], { env });
    const banner = await waitForOutput(daemon, /radassoc serving/, 60_000);
    expect(banner).toMatch(/first start/);
    expect(banner).toMatch(/radtest/);
    const secret = readFileSync(join(dataDir, 'localhost.secret'), 'utf8').trim();
    expect(banner).not.toContain(secret);

    const add = await runCli(['member', 'add', 'alice', '--password', 'alice-pass', '--data-dir', dataDir, '--config', configFile]);
    expect(add.code, add.stderr).toBe(0);
    // The daemon hears the change through NOTIFY; give it a moment, then ask.
    let out = '';
    for (let i = 0; i < 20 && !/Access-Accept/.test(out); i++) {
      out = (await run('radtest', ['alice', 'alice-pass', `127.0.0.1:${auth}`, '0', secret]).catch((e: { stdout: string }) => e)).stdout;
      if (!/Access-Accept/.test(out)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toMatch(/Received Access-Accept/);

    // Accounting from the same NAS, then the CLI reads the daemon's live sessions, flushes and exports.
    const nas = await SimulatedNas.open(secret);
    const start = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'E1'), attr(Attr.UserName, 'alice')] };
    expect((await nas.request(start, acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const stop = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 2), attr(Attr.AcctSessionId, 'E1'), attr(Attr.UserName, 'alice'), attr(Attr.AcctSessionTime, 42), attr(Attr.AcctInputOctets, 1000), attr(Attr.AcctOutputOctets, 2000)] };
    const start2 = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'E2'), attr(Attr.UserName, 'alice')] };
    expect((await nas.request(start2, acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir, '--config', configFile]);
    const sessions = await cli(['sessions', '--json']);
    expect(sessions.code, sessions.stderr).toBe(0);
    expect((JSON.parse(sessions.stdout) as Array<{ acct_session_id: string }>).map((s) => s.acct_session_id)).toEqual(['E1', 'E2']);
    expect((await nas.request(stop, acct)).response?.code).toBe(PacketCode.AccountingResponse);
    nas.close();
    const flushed = await cli(['flush']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.stdout).toMatch(/flushed 2 sessions \(1 finished/);
    const today = new Date().toISOString().slice(0, 10);
    const csv = await cli(['export', '--from', today, '--to', today]);
    expect(csv.stdout).toBe('username,sessions,seconds,input_octets,output_octets\r\nalice,2,42,1000,2000\r\n');

    const exit = new Promise<number | null>((resolve) => daemon!.once('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await exit).toBe(0);
    daemon = undefined;
    // A dozen CLI processes, each opening the embedded database: a whole first hour, not a unit.
  }, 120_000);
});
