/**
 * `npm start` rebuilds only when the sources changed: scripts/dist-fresh.mjs,
 * the check scripts/start.sh runs, against a scratch tree laid out like the
 * repository (src/, tsconfig.json, package files, dist/.build-stamp).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp.js';

const CHECK = fileURLToPath(new URL('../../scripts/dist-fresh.mjs', import.meta.url));
const START = fileURLToPath(new URL('../../scripts/start.sh', import.meta.url));
const run = promisify(execFile);

async function check(root: string): Promise<{ fresh: boolean; stderr: string }> {
  try {
    const r = await run(process.execPath, [CHECK, root]);
    return { fresh: true, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    expect(err.code).toBe(1);
    return { fresh: false, stderr: err.stderr };
  }
}

/** A tree built at t0, every source a minute older than the stamp. */
function builtTree(): { root: string; touch: (file: string, secondsAfterBuild: number) => void } {
  const root = tempDir('radassoc-fresh-');
  mkdirSync(join(root, 'src/server'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  const files = ['src/cli.ts', 'src/server/daemon.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'dist/.build-stamp'];
  for (const f of files) writeFileSync(join(root, f), '');
  const t0 = Date.now() / 1000 - 3600;
  const touch = (file: string, s: number): void => utimesSync(join(root, file), t0 + s, t0 + s);
  for (const f of files) touch(f, f === 'dist/.build-stamp' ? 0 : -60);
  return { root, touch };
}

describe('the freshness check of npm start', () => {
  it('says fresh, silently, when dist/ was stamped after every source was last changed', async () => {
    const { root } = builtTree();
    expect(await check(root)).toEqual({ fresh: true, stderr: '' });
  });

  it('asks for a build when there is no stamp (never built, or the last build failed)', async () => {
    const root = tempDir('radassoc-fresh-');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/cli.ts'), '');
    expect(await check(root)).toEqual({ fresh: false, stderr: 'radassoc: building dist/ (no build yet)\n' });
  });

  it.each(['src/server/daemon.ts', 'tsconfig.json', 'package.json', 'package-lock.json'])('asks for a build when %s changed after the stamp, naming it', async (file) => {
    const { root, touch } = builtTree();
    touch(file, 5);
    expect(await check(root)).toEqual({ fresh: false, stderr: `radassoc: building dist/ (${file} changed since the last build)\n` });
  });

  it('asks for a build when a source file is added', async () => {
    const { root } = builtTree();
    writeFileSync(join(root, 'src/server/new-module.ts'), '');
    expect((await check(root)).fresh).toBe(false);
  });

  it('is what start.sh runs before building, and the stamp is dated from before the build', () => {
    const script = readFileSync(START, 'utf8');
    const checkAt = script.indexOf('if ! node scripts/dist-fresh.mjs; then');
    const stampAt = script.indexOf('stamp="$(mktemp)"');
    const buildAt = script.indexOf('npm run --silent build');
    const moveAt = script.indexOf('mv "$stamp" dist/.build-stamp');
    expect(checkAt).toBeGreaterThan(-1);
    expect([checkAt < stampAt, stampAt < buildAt, buildAt < moveAt]).toEqual([true, true, true]);
  });
});
