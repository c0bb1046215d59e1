#!/usr/bin/env node
// Exits 0 when dist/ was built from the sources as they are now, 1 (saying
// why on stderr) when `npm run build` must run first. scripts/start.sh asks
// so that restarting the daemon does not spend seconds compiling nothing.
// "Built from" means: dist/.build-stamp, which start.sh dates from just before
// a build that succeeded, is newer than every file under src/ and the files
// that change what tsc emits (tsconfig.json, package.json, package-lock.json).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STAMP = join('dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'package.json', 'package-lock.json'];

/** Every file under `path` (or `path` itself), skipping what does not exist. */
function* files(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (!st.isDirectory()) return yield [path, st.mtimeMs];
  for (const entry of readdirSync(path)) yield* files(join(path, entry));
}

/** null when fresh, else why not. */
export function staleReason(root) {
  let built;
  try {
    built = statSync(join(root, STAMP)).mtimeMs;
  } catch {
    return 'no build yet';
  }
  for (const input of INPUTS) {
    for (const [file, mtime] of files(join(root, input))) {
      if (mtime > built) return `${relative(root, file)} changed since the last build`;
    }
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const why = staleReason(root);
  if (why) {
    process.stderr.write(`radassoc: building dist/ (${why})\n`);
    process.exit(1);
  }
}
