/**
 * Files beside the embedded database in the data directory:
 *  - pgdata.lock  {pid}: whoever has PGlite open (daemon or CLI). Two
 *    processes opening one PGlite directory would corrupt it.
 *  - embedded.json {port, pid}: written while the daemon serves the database
 *    on loopback, so the CLI connects there instead of opening the files.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';

export const pgdataDir = (dataDir: string): string => join(dataDir, 'pgdata');

/** True once a database has been created under the data directory (PostgreSQL writes PG_VERSION first). */
export const embeddedDatabaseExists = (dataDir: string): boolean => existsSync(join(pgdataDir(dataDir), 'PG_VERSION'));
const lockPath = (dataDir: string): string => join(dataDir, 'pgdata.lock');
const discoveryPath = (dataDir: string): string => join(dataDir, 'embedded.json');

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const positiveInt = (v: unknown): number | null => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : null);

/** Takes the data directory's lock or throws DB_IN_USE naming the holder. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = positiveInt(readJson(path)?.pid);
      if (pid !== null && isProcessAlive(pid)) {
        throw fail('DB_IN_USE', { dataDir, pid });
      }
      rmSync(path, { force: true }); // left by a process that died
    }
  }
  throw fail('DB_IN_USE', { dataDir, lockFile: path });
}

export function writeDiscovery(dataDir: string, port: number): void {
  const path = discoveryPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ port, pid: process.pid }), { mode: 0o600 });
  renameSync(tmp, path);
}

export function removeDiscovery(dataDir: string): void {
  const path = discoveryPath(dataDir);
  if (positiveInt(readJson(path)?.pid) === process.pid) rmSync(path, { force: true });
}

/** The running daemon's address, or null if no daemon serves this data directory. */
export function readDiscovery(dataDir: string): { port: number; pid: number } | null {
  const info = readJson(discoveryPath(dataDir));
  const port = positiveInt(info?.port);
  const pid = positiveInt(info?.pid);
  if (port === null || pid === null || port > 65535 || !isProcessAlive(pid)) return null;
  return { port, pid };
}
