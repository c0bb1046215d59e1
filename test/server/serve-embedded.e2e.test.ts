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

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
const run = promisify(execFile);
let daemon: ChildProcess | undefined;

afterAll(() => {
  daemon?.kill('SIGKILL');
});

function waitForOutput(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`not seen within ${ms} ms: ${pattern}; output so far:\n${seen}`)), ms);
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

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

    const exit = new Promise<number | null>((resolve) => daemon!.once('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await exit).toBe(0);
    daemon = undefined;
  });
});
