/**
 * The NAS a daemon creates on its first start (an empty NAS table), so that a
 * new install answers at once:
 *  - `initialNasAddress` given (RADASSOC_INITIAL_NAS_ADDRESS, e.g. the Docker
 *    host's network): a NAS for it, with the secret given inline, read from
 *    `initialNasSecretFile`, or generated into the data directory;
 *  - otherwise, on the embedded default outside a container: a NAS for
 *    127.0.0.1, for radtest on the same machine;
 *  - otherwise nothing, and inside a container a line saying what to set:
 *    requests never come from the container's own loopback.
 * Secrets go to files readable by their owner only, never to the log stream.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Queryable } from '../db/db.js';
import type { NasClient } from '../domain/nas.js';
import { insertNas, listNas } from '../db/nas.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { fail, isRadassocError } from '../errors.js';

export const LOOPBACK_NAS = 'localhost';
export const INITIAL_NAS = 'first-nas';

export type FirstNasConfig = Pick<Config, 'dataDir' | 'initialNasAddress' | 'initialNasSecret' | 'initialNasSecretFile'>;

export interface FirstNasOptions {
  /** The embedded default (PGlite): the only mode that creates a loopback NAS by itself. */
  embedded: boolean;
  /** Running in our container image: no loopback NAS, whatever the mode. */
  inContainer: boolean;
  log: Logger;
  /** Where the first-start text for a human goes (stderr). */
  out?: (text: string) => void;
}

/** What the first start did: the NAS created and where its secret is, if it was written there. */
export type FirstNasResult =
  | { created: false; reason: 'nas-present' | 'nothing-to-create' | 'container-needs-address' | 'created-elsewhere' }
  | { created: true; name: string; address: string; secretFile: string | null };

/**
 * Our image says so (RADASSOC_IN_CONTAINER=1 in the Dockerfile). Docker's and
 * Podman's marker files (/.dockerenv, /run/.containerenv) are not enough: dev
 * containers and CI runners have them too, and there the try-out's radtest
 * runs beside the daemon, on the same loopback.
 */
export function inContainer(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RADASSOC_IN_CONTAINER === '1';
}

export async function ensureFirstNas(db: Queryable, config: FirstNasConfig, opts: FirstNasOptions): Promise<FirstNasResult> {
  const out = opts.out ?? ((t: string) => void process.stderr.write(t));
  if ((await listNas(db)).length > 0) return { created: false, reason: 'nas-present' };
  if (config.initialNasAddress) return createInitialNas(db, config, config.initialNasAddress, opts.log, out);
  if (opts.inContainer) {
    opts.log.warn(
      { env: 'RADASSOC_INITIAL_NAS_ADDRESS' },
      'no NAS yet, and none for 127.0.0.1 inside a container: set RADASSOC_INITIAL_NAS_ADDRESS (and RADASSOC_INITIAL_NAS_SECRET or RADASSOC_INITIAL_NAS_SECRET_FILE) and restart, or run `radassoc nas add` in the container',
    );
    return { created: false, reason: 'container-needs-address' };
  }
  if (!opts.embedded) return { created: false, reason: 'nothing-to-create' };
  return createLoopbackNas(db, config.dataDir, opts.log, out);
}

/**
 * A shared secret for a person to paste into a NAS or a command line, in
 * base64url but never starting with '-' or '_': radtest "$(cat …secret)"
 * would read a leading '-' as an option (one secret in 64 did).
 */
export function newSharedSecret(octets: number): string {
  for (;;) {
    const s = randomBytes(octets).toString('base64url');
    if (/^[A-Za-z0-9]/.test(s)) return s;
  }
}

async function createLoopbackNas(db: Queryable, dataDir: string, log: Logger, out: (t: string) => void): Promise<FirstNasResult> {
  const secret = newSharedSecret(12);
  if (!(await insertFirst(db, LOOPBACK_NAS, '127.0.0.1/32', secret))) return { created: false, reason: 'created-elsewhere' };
  const file = join(dataDir, `${LOOPBACK_NAS}.secret`);
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  log.info({ nas: LOOPBACK_NAS, secretFile: file }, 'first start: created NAS for 127.0.0.1');
  out(
    [
      '',
      'radassoc: first start. A NAS for 127.0.0.1 was created; its shared secret is in',
      `    ${file}`,
      'Try it from a second terminal:',
      '    npx radassoc member add alice --password s3cret-pass',
      `    radtest alice s3cret-pass 127.0.0.1 0 "$(cat ${file})"`,
      '',
    ].join('\n'),
  );
  return { created: true, name: LOOPBACK_NAS, address: '127.0.0.1/32', secretFile: file };
}

async function createInitialNas(db: Queryable, config: FirstNasConfig, wanted: string, log: Logger, out: (t: string) => void): Promise<FirstNasResult> {
  const given = await givenSecret(config);
  // 32 random octets: the length design.md asks of a shared secret (BlastRADIUS advice).
  const secret = given ?? newSharedSecret(32);
  const stored = await insertFirst(db, INITIAL_NAS, wanted, secret);
  if (!stored) return { created: false, reason: 'created-elsewhere' };
  const address = stored.address;
  let secretFile: string | null = null;
  if (given === null) {
    secretFile = join(config.dataDir, `${INITIAL_NAS}.secret`);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  }
  log.info({ nas: INITIAL_NAS, address, ...(secretFile ? { secretFile } : {}) }, 'first start: created NAS from RADASSOC_INITIAL_NAS_ADDRESS');
  if (secretFile) {
    out(`\nradassoc: first start. NAS ${INITIAL_NAS} (${address}) was created; its generated shared secret is in\n    ${secretFile}\nGive the same secret to the NAS.\n\n`);
  }
  return { created: true, name: INITIAL_NAS, address, secretFile };
}

async function givenSecret(config: FirstNasConfig): Promise<string | null> {
  if (config.initialNasSecret) return config.initialNasSecret;
  if (!config.initialNasSecretFile) return null;
  let text: string;
  try {
    text = await readFile(config.initialNasSecretFile, 'utf8');
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw fail('CONFIG_INVALID', { setting: 'initialNasSecretFile', file: config.initialNasSecretFile, problem: 'unreadable', errno });
  }
  // A secret file written by `echo` or an editor ends with a newline that is not part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw fail('CONFIG_INVALID', { setting: 'initialNasSecretFile', file: config.initialNasSecretFile, problem: 'empty' });
  return secret;
}

/**
 * Several daemons (serve --workers, or copies on one PostgreSQL) may start
 * together on an empty table: the first insert wins, the others find the NAS
 * there and go on. Only the winner writes the secret file.
 */
async function insertFirst(db: Queryable, name: string, address: string, secret: string): Promise<NasClient | null> {
  try {
    // The first NAS serves the default tenant, the only one a fresh deployment has.
    return await insertNas(db, { name, address, secret, tenancy: { owner: DEFAULT_TENANT_ID } });
  } catch (e) {
    if (isRadassocError(e) && (e.code === 'DUPLICATE_NAS' || e.code === 'NAS_ADDRESS_OVERLAP')) return null;
    throw e;
  }
}
