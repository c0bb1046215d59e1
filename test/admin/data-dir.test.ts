/**
 * The CLI reaches the daemon's embedded database from anywhere below the
 * directory the daemon was started in (radassoc-data found the way git finds
 * .git), and never makes a second, empty database beside it: a read never
 * creates anything, a write refuses unless the data directory was named.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataDirUpwards, locateDataDir } from '../../src/config/data-dir.js';
import { commandAccess } from '../../src/admin/command-access.js';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { runCli, type CliResult } from './cli-harness.js';
import { waitForOutput } from '../support/child-output.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));

/** A fresh tree root/docs/deeper with nothing named radassoc-data in it or above it. */
function freshTree(): { root: string; docs: string; deeper: string } {
  const root = tempDir('radassoc-tree-');
  // The search walks up to /: a stray radassoc-data above the temporary directory would be found first.
  expect(findDataDirUpwards(root), 'a radassoc-data directory exists above the temporary directory').toBeNull();
  const docs = join(root, 'docs');
  const deeper = join(docs, 'deeper');
  mkdirSync(deeper, { recursive: true });
  return { root, docs, deeper };
}

const NO_DATABASE = /^radassoc: no radassoc database found in (\S+) or its parents; start the daemon with `npm start` \(or `radassoc serve`\) in the directory that should hold radassoc-data, or set RADASSOC_DATA_DIR \(--data-dir\) or DATABASE_URL/;

function expectNoDatabase(r: CliResult, cwd: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.match(NO_DATABASE)?.[1]).toBe(cwd);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('finding the data directory', () => {
  it('walks up to the nearest radassoc-data, resolves a given path against the current directory, and falls back to ./radassoc-data', () => {
    const { root, docs, deeper } = freshTree();
    expect(locateDataDir('./radassoc-data', undefined, deeper)).toMatchObject({ origin: 'default', path: join(deeper, 'radassoc-data') });
    expect(existsSync(join(deeper, 'radassoc-data'))).toBe(false);
    mkdirSync(join(root, 'radassoc-data'));
    expect(locateDataDir('./radassoc-data', undefined, deeper)).toMatchObject({ origin: 'found', path: join(root, 'radassoc-data') });
    expect(locateDataDir('./radassoc-data', undefined, root)).toMatchObject({ origin: 'found', path: join(root, 'radassoc-data') });
    // Inside the data directory itself, it is still the one found.
    expect(locateDataDir('./radassoc-data', undefined, join(root, 'radassoc-data'))).toMatchObject({ path: join(root, 'radassoc-data') });
    expect(locateDataDir('../elsewhere', 'flag --data-dir', deeper)).toEqual({ origin: 'given', source: 'flag --data-dir', path: join(docs, 'elsewhere'), cwd: deeper });
    // A file of that name is not a data directory.
    writeFileSync(join(docs, 'radassoc-data'), '');
    expect(locateDataDir('./radassoc-data', undefined, deeper).path).toBe(join(root, 'radassoc-data'));
  });

  it('counts listings, shows and dry runs as reads, migrate as the one command that creates', () => {
    for (const path of [['member', 'list'], ['member', 'show'], ['nas', 'list'], ['plan', 'list'], ['sessions'], ['diagnose'], ['audit'], ['export'], ['dues', 'list']]) {
      expect(commandAccess({ _: path }), path.join(' ')).toBe('read');
    }
    expect(commandAccess({ _: ['dues', 'run'], dryRun: true })).toBe('read');
    expect(commandAccess({ _: ['dues', 'run'], dryRun: false })).toBe('write');
    for (const path of [['member', 'add'], ['member', 'import'], ['nas', 'add'], ['plan', 'set'], ['disconnect'], ['flush']]) {
      expect(commandAccess({ _: path }), path.join(' ')).toBe('write');
    }
    expect(commandAccess({ _: ['migrate'] })).toBe('create');
  });
});

describe('the CLI with no database anywhere', () => {
  it('refuses every read-only command with what to do, and creates nothing', async () => {
    const { root, deeper } = freshTree();
    const today = new Date().toISOString().slice(0, 10);
    const reads = [
      ['member', 'list'],
      ['member', 'list', '--json'],
      ['member', 'show', 'frank'],
      ['nas', 'list'],
      ['plan', 'list'],
      ['sessions'],
      ['diagnose', 'frank'],
      ['audit'],
      ['export', '--from', today, '--to', today],
      ['dues', 'list'],
      ['dues', 'run', '--dry-run'],
    ];
    for (const args of reads) expectNoDatabase(await runCli(args, { cwd: deeper }), deeper);
    expect(readdirSync(root)).toEqual(['docs']);
    expect(readdirSync(deeper)).toEqual([]);
  });

  it('refuses a write too instead of making a second, empty database, and says how to make one on purpose', async () => {
    const { root, deeper } = freshTree();
    const r = await runCli(['member', 'add', 'frank', '--password', 'frank-pass-1'], { cwd: deeper });
    expectNoDatabase(r, deeper);
    expect(r.stderr).toMatch(/; to create a new database on purpose, give --data-dir DIR\n$/);
    expect(r.stderr).not.toContain('frank-pass-1');
    expect(readdirSync(root)).toEqual(['docs']);
  });

  it('refuses a read where radassoc-data exists but holds no database (a PostgreSQL daemon\'s, say), naming where to start', async () => {
    const { root, deeper } = freshTree();
    mkdirSync(join(root, 'radassoc-data'));
    const r = await runCli(['nas', 'list'], { cwd: deeper });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `radassoc: ${join(root, 'radassoc-data')} holds no radassoc database yet; start the daemon with \`npm start\` (or \`radassoc serve\`) in ${root}, or set DATABASE_URL if the daemon uses PostgreSQL\n`,
    );
    expect(readdirSync(join(root, 'radassoc-data'))).toEqual([]);
  });

  it('refuses a read of a given data directory that holds no database, naming it and where it was given', async () => {
    const { docs } = freshTree();
    const r = await runCli(['member', 'list'], { cwd: docs, env: { RADASSOC_DATA_DIR: 'data' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `radassoc: no radassoc database in ${join(docs, 'data')} (from environment RADASSOC_DATA_DIR); check the path, or start the daemon there with \`radassoc serve --data-dir ${join(docs, 'data')}\`\n`,
    );
    expect(existsSync(join(docs, 'data'))).toBe(false);
  });
});

let daemon: ChildProcess | undefined;
afterAll(() => {
  daemon?.kill('SIGKILL');
});


describe('the CLI below the directory where the daemon runs', () => {
  it('reaches the daemon\'s database from a subdirectory, while it runs and after it stopped, and by a relative --data-dir or RADASSOC_DATA_DIR', async () => {
    const { root, docs, deeper } = freshTree();
    const [auth, acct, http, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // Outside the tree: the config file must not hold dataDir, or the data directory would be given.
    const configFile = join(tempDir('radassoc-tree-config-'), 'radassoc.json');
    writeFileSync(configFile, JSON.stringify({ embeddedDbPort: pgPort }), { mode: 0o600 });
    const env = { ...process.env };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR']) delete env[k];
    // As `npm start` does: serve in the top directory, no --data-dir.
    daemon = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--bind', '127.0.0.1', '--auth-port', String(auth), '--acct-port', String(acct), '--http-port', String(http)], { env, cwd: root });
    const banner = await waitForOutput(daemon, /radassoc serving/, 90_000);
    expect(banner).toMatch(/first start/);
    expect(banner).toContain(`"dataDir":"${join(root, 'radassoc-data')}"`);

    const cli = (args: string[], cwd: string, extra: Record<string, string> = {}) => runCli([...args, '--config', configFile], { cwd, env: extra });
    const added = await cli(['member', 'add', 'frank', '--password', 'frank-pass-1'], docs);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^added member frank/);
    const listed = await cli(['member', 'list', '--json'], deeper);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ username: string }>).map((m) => m.username)).toEqual(['frank']);
    // The loopback NAS the daemon made on first start is the one the subdirectory sees.
    const nas = await cli(['nas', 'list', '--json'], deeper);
    expect((JSON.parse(nas.stdout) as Array<{ name: string }>).map((n) => n.name)).toEqual(['localhost']);

    const exit = new Promise<number | null>((resolve) => daemon!.once('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await exit).toBe(0);
    daemon = undefined;

    // No daemon: the files are opened directly, still the same ones.
    const shown = await cli(['member', 'show', 'frank', '--json'], deeper);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ username: 'frank' });
    const byFlag = await cli(['member', 'list', '--json', '--data-dir', '../radassoc-data'], docs);
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(JSON.parse(byFlag.stdout)).toMatchObject([{ username: 'frank' }]);
    const byEnv = await cli(['member', 'list', '--json'], deeper, { RADASSOC_DATA_DIR: '../../radassoc-data' });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(JSON.parse(byEnv.stdout)).toMatchObject([{ username: 'frank' }]);

    // Only the one data directory, at the top.
    expect(readdirSync(root).sort()).toEqual(['docs', 'radassoc-data']);
    expect(readdirSync(docs)).toEqual(['deeper']);
    expect(readdirSync(deeper)).toEqual([]);
  }, 180_000);
});
