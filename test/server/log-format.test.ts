/**
 * The log format: readable lines on a terminal, the JSON lines as before
 * everywhere else, LOG_FORMAT forcing either; secrets redacted in both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, prettyDestination, resolveLogFormat } from '../../src/log.js';
import { loadConfig } from '../../src/config/load.js';
import { freshDb } from '../support/daemon.js';
import { runCli } from '../admin/cli-harness.js';
import { tempDir } from '../support/temp.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  // Detached children lead their own process group: under script(1) the daemon is a grandchild.
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  child = undefined;
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write: (c, _e, cb) => void ((text += String(c)), cb()) }), text: () => text };
}

describe('choosing the format', () => {
  it('is pretty on a terminal and JSON elsewhere unless LOG_FORMAT forces one', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(loadConfig({}, {}).logFormat).toBe('auto');
    expect(loadConfig({}, { LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('refuses another LOG_FORMAT, naming the variable and the values it takes', async () => {
    expect(() => loadConfig({}, { LOG_FORMAT: 'text' })).toThrow('logFormat must be "auto", "json" or "pretty" (from environment LOG_FORMAT)');
    const r = await runCli(['serve', '--data-dir', tempDir('radassoc-logfmt-')], { env: { LOG_FORMAT: 'text' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/LOG_FORMAT/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the readable format', () => {
  it('prints level, message and context on one line, with secrets redacted as in JSON', async () => {
    const out = sink();
    const log = createLogger('info', await prettyDestination(out.stream, false));
    log.info({ nas: 'bras1', secret: 'nas-secret-value', member: { password: 'member-password' } }, 'first start: created NAS');
    const text = out.text();
    expect(text).toMatch(/INFO.*first start: created NAS/);
    expect(text).toContain('"nas":"bras1"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('nas-secret-value');
    expect(text).not.toContain('member-password');
    expect(() => JSON.parse(text.split('\n')[0]!)).toThrow();
  });
});

const SERVE = ['serve', '--auth-port', '0', '--acct-port', '0', '--http-port', '0', '--bind', '127.0.0.1'];

/** Starts `command` and resolves with its stdout once the daemon says it serves. */
function serve(env: Record<string, string>, command: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, detached: true });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "radassoc serving" within 20 s:\n${seen}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('radassoc serving')) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe('the daemon', () => {
  it('writes JSON lines when stdout is not a terminal, readable lines with LOG_FORMAT=pretty or on a terminal', async () => {
    const { url, db } = await freshDb();
    await db.close();
    const base = { DATABASE_URL: url, REDIS_URL: '', RADASSOC_CONFIG: '', LOG_LEVEL: 'info' };
    const daemon = (): string[] => [process.execPath, BIN, ...SERVE, '--data-dir', tempDir('radassoc-logfmt-')];
    const json = await serve({ ...base, LOG_FORMAT: '' }, daemon());
    for (const line of json.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('msg');
    process.kill(-child!.pid!, 'SIGKILL');
    const pretty = await serve({ ...base, LOG_FORMAT: 'pretty' }, daemon());
    expect(pretty).toMatch(/INFO.*radassoc serving/);
    expect(pretty).not.toMatch(/^\{"level"/m);
    process.kill(-child!.pid!, 'SIGKILL');
    // On a terminal (script(1) gives the daemon one), with LOG_FORMAT unset (empty): readable, coloured.
    const shell = daemon().map((a) => `'${a}'`).join(' ');
    const tty = await serve({ ...base, LOG_FORMAT: '' }, ['script', '-qec', shell, '/dev/null']);
    expect(tty).toMatch(/INFO.*radassoc serving/);
    expect(tty).toContain('\u001b[');
    expect(tty).not.toMatch(/^\{"level"/m);
  });
});
