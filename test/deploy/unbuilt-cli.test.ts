/**
 * `npx radassoc` in a clone that was never built: a line saying what to run,
 * exit 1, no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);

describe('the radassoc command before the first build', () => {
  it('says to run npm run build, on stderr, and exits 1', async () => {
    const clone = tempDir('radassoc-unbuilt-');
    mkdirSync(join(clone, 'bin'));
    for (const f of ['bin/radassoc.js', 'package.json']) copyFileSync(fileURLToPath(new URL(`../../${f}`, import.meta.url)), join(clone, f));
    const r = await run(process.execPath, [join(clone, 'bin/radassoc.js'), 'member', 'list']).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('radassoc: not built yet; run `npm run build` in the radassoc directory (`npm start` builds it too)\n');
  });
});
