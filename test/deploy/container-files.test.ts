/**
 * The Dockerfile and compose.yaml, checked without a container engine: the
 * Dockerfile's directives, its health command run against a real daemon, and
 * the compose file's structure against the configuration radassoc reads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ENV_KEYS } from '../../src/config/load.js';
import { freshDatabaseUrl } from '../support/database.js';
import { startHardenedDaemon, type HardenedDaemon } from '../hardening/support/daemon.js';
import { freePort } from '../support/services.js';
import { runCli } from '../admin/cli-harness.js';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const dockerfile = readFileSync(root('Dockerfile'), 'utf8');
const run = promisify(execFile);
let daemon: HardenedDaemon | undefined;

afterAll(async () => {
  await daemon?.stop();
});

/** Instructions of the final stage, continuation lines joined: [keyword, rest]. */
function instructions(text: string): Array<[string, string]> {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const all = joined
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l): [string, string] => {
      const m = /^\s*([A-Z]+)\s+(.*)$/.exec(l);
      if (!m) throw new Error(`not an instruction: ${l}`);
      return [m[1]!, m[2]!.trim()];
    });
  const lastFrom = all.map(([k]) => k).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

const final = instructions(dockerfile);
const directive = (k: string): string[] => final.filter(([key]) => key === k).map(([, v]) => v);

/** The health command of the image, as the shell-free argument vector Docker runs. */
function healthCommand(): string[] {
  const [hc] = directive('HEALTHCHECK');
  const m = /CMD (\[.*\])$/.exec(hc ?? '');
  if (!m) throw new Error(`HEALTHCHECK has no exec-form CMD: ${hc}`);
  return JSON.parse(m[1]!) as string[];
}

describe('the Dockerfile', () => {
  it('starts with the syntax directive, before any comment (BuildKit reads it only there)', () => {
    expect(dockerfile.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
  });

  it('runs as the unprivileged node user, marks itself a container, and exposes the RADIUS ports over UDP', () => {
    const users = directive('USER');
    expect(users.at(-1)).toBe('node');
    expect(directive('ENV').join(' ')).toMatch(/RADASSOC_IN_CONTAINER=1/);
    expect(directive('ENV').join(' ')).toMatch(/RADASSOC_DATA_DIR=\/var\/lib\/radassoc/);
    expect(directive('VOLUME')).toEqual(['["/var/lib/radassoc"]']);
    expect(directive('EXPOSE').join(' ').split(/\s+/)).toEqual(expect.arrayContaining(['1812/udp', '1813/udp']));
    expect(directive('RUN').join(' ')).toMatch(/chown node:node \/var\/lib\/radassoc/);
  });

  it('copies only what exists and what .dockerignore lets in', () => {
    const ignored = readFileSync(root('.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const sources = dockerfile
      .split('\n')
      .filter((l) => /^COPY (?!--from)/.test(l))
      .flatMap((l) => l.slice(5).trim().split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of new Set(sources)) {
      expect(existsSync(root(s)), s).toBe(true);
      expect(ignored, s).not.toContain(s);
    }
  });

  it('checks health on /healthz with node alone: exit 0 against a ready daemon, 1 when nothing answers', async () => {
    const [node, ...args] = healthCommand();
    expect(node).toBe('node');
    expect(args.join(' ')).toContain('http://127.0.0.1:9812/healthz');
    // An empty database, as compose gives it: the daemon migrates it before it listens.
    daemon = await startHardenedDaemon({ databaseUrl: await freshDatabaseUrl(), http: true });
    // The same command, pointed at this test daemon's port instead of the image's 9812.
    const at = (port: number): string[] => args.map((a) => a.replace(':9812/', `:${port}/`));
    await expect(run(process.execPath, at(daemon.http), { timeout: 10_000 })).resolves.toBeDefined();
    await expect(run(process.execPath, at(await freePort()), { timeout: 10_000 })).rejects.toMatchObject({ code: 1 });
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync(root('compose.yaml'), 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const { postgres, redis, radassoc } = compose.services;

  it('has radassoc, PostgreSQL and Redis, Redis with an append-only file', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'radassoc', 'redis']);
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    expect(redis?.image).toMatch(/^redis:\d+/);
    expect(redis?.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(radassoc?.build).toBe('.');
  });

  it('gives every service a health check, and starts radassoc once both stores are healthy', () => {
    expect(postgres?.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']));
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(radassoc?.healthcheck?.test).toEqual(['CMD', ...healthCommand()]);
    expect(radassoc?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('configures radassoc only through variables it reads, pointing at the two services', () => {
    const known = ENV_KEYS.map(([name]) => name);
    const env = radassoc?.environment ?? {};
    for (const name of Object.keys(env)) expect(known, name).toContain(name);
    const db = new URL(env.DATABASE_URL!.replace(/\$\{[^}]*\}/, 'password'));
    expect([db.protocol, db.hostname, db.username, db.pathname]).toEqual(['postgres:', 'postgres', 'radassoc', '/radassoc']);
    expect(postgres?.environment).toMatchObject({ POSTGRES_USER: 'radassoc', POSTGRES_DB: 'radassoc' });
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['RADASSOC_INITIAL_NAS_ADDRESS']));
  });

  it('publishes the RADIUS ports over UDP and keeps every store on a named volume', () => {
    expect(radassoc?.ports).toEqual(['1812:1812/udp', '1813:1813/udp']);
    const named = (s: ComposeService | undefined): string[] => (s?.volumes ?? []).map((v) => v.split(':')[0]!);
    expect(radassoc?.volumes).toEqual(['radassoc-data:/var/lib/radassoc']);
    for (const v of [...named(postgres), ...named(redis), ...named(radassoc)]) expect(Object.keys(compose.volumes), v).toContain(v);
  });

  it('runs a radassoc command that exists (serve, which migrates an empty database: see the health test above)', async () => {
    expect(radassoc?.command).toEqual(['serve']);
    const help = await runCli([...radassoc!.command!, '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/run the RADIUS daemon/);
  });
});
