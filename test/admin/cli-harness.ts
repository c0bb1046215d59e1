/**
 * Runs the real `radassoc` binary (bin/radassoc.js over dist/, built by
 * scripts/test.sh) as a child process, the way scripts outside the
 * repository do, and reads the audit log with plain SQL.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshDatabaseUrl } from '../support/database.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** DATABASE_URL for the child; without it the child runs on the embedded default. */
  databaseUrl?: string;
  /** Written to the child's stdin, then closed. */
  input?: string;
  env?: Record<string, string>;
  /** Working directory of the child (default: this process's). */
  cwd?: string;
}

/** The parent's environment without anything that would point the child elsewhere. */
function childEnv(opts: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR', 'LOG_LEVEL']) delete env[k];
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  return { ...env, ...opts.env };
}

export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(opts), stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A CLI bound to one fresh, migrated PostgreSQL database. */
export interface Cli {
  url: string;
  run(args: readonly string[], opts?: Omit<RunOptions, 'databaseUrl'>): Promise<CliResult>;
  /** Runs and expects exit 0; returns stdout. */
  ok(args: readonly string[], opts?: Omit<RunOptions, 'databaseUrl'>): Promise<string>;
  /** Runs with --json and expects exit 0, JSON only on stdout. */
  json<T = unknown>(args: readonly string[], opts?: Omit<RunOptions, 'databaseUrl'>): Promise<T>;
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export async function cliOnFreshDatabase(opts: { migrate?: boolean } = {}): Promise<Cli> {
  const url = await freshDatabaseUrl();
  const run = (args: readonly string[], o: Omit<RunOptions, 'databaseUrl'> = {}): Promise<CliResult> =>
    runCli(args, { ...o, databaseUrl: url });
  const ok = async (args: readonly string[], o: Omit<RunOptions, 'databaseUrl'> = {}): Promise<string> => {
    const r = await run(args, o);
    if (r.code !== 0) throw new Error(`radassoc ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const cli: Cli = {
    url,
    run,
    ok,
    async json<T>(args: readonly string[], o: Omit<RunOptions, 'databaseUrl'> = {}): Promise<T> {
      return JSON.parse(await ok([...args, '--json'], o)) as T;
    },
    async sql<R>(text: string, params: unknown[] = []): Promise<R[]> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as R[];
      } finally {
        await client.end();
      }
    },
  };
  if (opts.migrate !== false) await ok(['migrate']);
  return cli;
}

/** Every audit row as JSON text, to check that no secret ever reached it. */
export async function auditText(cli: Cli): Promise<string> {
  const rows = await cli.sql('SELECT actor, action, target, before, after FROM audit_log ORDER BY id');
  return JSON.stringify(rows);
}
