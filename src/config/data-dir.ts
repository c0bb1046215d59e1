/**
 * Where the data directory is, and whether radassoc may write there.
 *
 * Not given (no --data-dir, RADASSOC_DATA_DIR or config file dataDir): the
 * nearest `radassoc-data` in the current directory or one of its parents, the
 * way git finds `.git`, so that a command run anywhere in the checkout reaches
 * the database of the daemon started at its top. Nothing found: `radassoc-data`
 * in the current directory, which only `serve` and `migrate` create.
 * Given: resolved against the current directory, as any path.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fail } from '../errors.js';

export const DATA_DIR_NAME = 'radassoc-data';

export interface DataDirLocation {
  /** Absolute path. */
  path: string;
  /** given: named by a flag, the environment or the config file; found: by walking up; default: nothing found. */
  origin: 'given' | 'found' | 'default';
  /** Where a given path came from ("flag --data-dir", "environment RADASSOC_DATA_DIR", ...). */
  source: string | null;
  /** The directory the search started from. */
  cwd: string;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The nearest `radassoc-data` directory in `start` or its parents, or null. */
export function findDataDirUpwards(start: string): string | null {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, DATA_DIR_NAME);
    if (isDirectory(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** `configured` is config.dataDir; `source` says where it was given, undefined when it is the default. */
export function locateDataDir(configured: string, source: string | undefined, cwd = process.cwd()): DataDirLocation {
  if (source !== undefined) return { path: resolve(cwd, configured), origin: 'given', source, cwd };
  const found = findDataDirUpwards(cwd);
  if (found) return { path: found, origin: 'found', source: null, cwd };
  return { path: resolve(cwd, DATA_DIR_NAME), origin: 'default', source: null, cwd };
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

function whoAmI(): string {
  const uid = process.getuid?.() ?? -1;
  let name = process.env.USER ?? '';
  try {
    name = userInfo().username;
  } catch {
    // A uid without a passwd entry (docker run --user 1234): the number alone says it.
  }
  return name && uid >= 0 ? `user ${name} (uid ${uid})` : uid >= 0 ? `uid ${uid}` : `user ${name || 'running radassoc'}`;
}

function nearestExisting(path: string): string {
  let dir = path;
  while (!isDirectory(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Creates the data directory if needed and checks that this process can
 * write in it, so that a bind-mounted volume owned by another uid is named at
 * start instead of failing deep inside PGlite or the journal.
 */
export function ensureWritableDataDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!NOT_WRITABLE.has(code)) throw e;
    const uid = process.getuid?.();
    const exists = isDirectory(path);
    const blocked = exists ? path : nearestExisting(path);
    if (code === 'EROFS') throw fail('DATA_DIR_NOT_WRITABLE', { problem: 'read-only', dataDir: path }, { cause: e });
    const problem = exists ? 'not-writable' : 'cannot-create';
    throw fail('DATA_DIR_NOT_WRITABLE', { problem, dataDir: path, blocked, user: whoAmI(), uid: uid ?? null }, { cause: e });
  }
}
