/**
 * Builds the Config from defaults, a JSON file, the environment and flags, in
 * that order of precedence, and validates it. A validation error names the key
 * and where its value came from, so an admin knows which of the four to fix.
 */
import { readFileSync, statSync } from 'node:fs';
import { RadassocError } from '../errors.js';
import { parseCidr } from '../net/ip.js';
import { configSchema, takesNumber, type Config, type ConfigPath } from './schema.js';
import { describeIssue, type Source } from './explain.js';

/** Flags as the CLI parsed them; undefined means "not given". */
export interface ConfigFlags {
  config?: string;
  authPort?: number;
  acctPort?: number;
  bind?: string;
  dataDir?: string;
  httpPort?: number;
  workers?: number | 'auto';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Environment variable → configuration key; a number key gets the variable's value as a number. */
export type EnvKeys = ReadonlyArray<readonly [string, ConfigPath]>;

/** Environment variables read into the config (a container is configured this way). */
export const ENV_KEYS: EnvKeys = [
  ['DATABASE_URL', 'databaseUrl'],
  ['REDIS_URL', 'redisUrl'],
  ['RADASSOC_DATA_DIR', 'dataDir'],
  ['LOG_LEVEL', 'logLevel'],
  ['LOG_FORMAT', 'logFormat'],
  ['RADASSOC_HTTP_HOST', 'httpHost'],
  ['RADASSOC_API_HOST', 'api.host'],
  ['RADASSOC_API_PORT', 'api.port'],
  ['RADASSOC_INITIAL_NAS_ADDRESS', 'initialNasAddress'],
  ['RADASSOC_INITIAL_NAS_SECRET', 'initialNasSecret'],
  ['RADASSOC_INITIAL_NAS_SECRET_FILE', 'initialNasSecretFile'],
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges `patch` into `target`, noting where each key's value came from. */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>, sources: Map<string, Source>, src: Source, prefix = ''): void {
  for (const [k, v] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) {
      const current = target[k];
      const copy = isObject(current) ? { ...current } : {};
      sources.set(path, src);
      merge(copy, v, sources, src, path);
      target[k] = copy;
    } else {
      target[k] = v;
      sources.set(path, src);
    }
  }
}

/** `accounting.flushCron` = v as `{ accounting: { flushCron: v } }`. */
const patchAt = (path: string, value: unknown): Record<string, unknown> =>
  path
    .split('.')
    .reduceRight<unknown>((inner, k) => ({ [k]: inner }), value) as Record<string, unknown>;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A URL holds a secret when it carries a password. */
const urlHasPassword = (u: unknown): boolean => {
  if (typeof u !== 'string') return false;
  try {
    return new URL(u).password !== '';
  } catch {
    return false;
  }
};

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode;
  } catch (e) {
    throw new RadassocError('CONFIG_FILE_UNREADABLE', `cannot read config file ${path}: ${(e as Error).message}`);
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (e) {
    throw new RadassocError('CONFIG_INVALID', `config file ${path} is not valid JSON: ${jsonErrorWithoutText(e)}`);
  }
  if (!isObject(parsed)) throw new RadassocError('CONFIG_INVALID', `config file ${path} must hold a JSON object`);
  const holdsSecret = urlHasPassword(parsed.databaseUrl) || urlHasPassword(parsed.redisUrl) || typeof parsed.initialNasSecret === 'string';
  if ((mode & 0o004) !== 0 && holdsSecret) {
    throw new RadassocError(
      'CONFIG_FILE_INSECURE',
      `config file ${path} holds a password or a shared secret and is readable by every user; run: chmod o-r ${path}`,
    );
  }
  return parsed;
}

/**
 * V8 quotes up to ten characters of the text around a JSON syntax error
 * (`..."edisUrl": redis://:h"...`), which can be the start of a password in a
 * URL: keep its description and position, never the quoted text.
 */
function jsonErrorWithoutText(e: unknown): string {
  return (e as Error).message.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  return load(flags, env, ENV_KEYS).config;
}

/** The Config and, per key, where its value came from (undefined: the default). */
export interface LoadedConfig {
  config: Config;
  sourceOf(key: string): string | undefined;
}

export function loadConfigWithSources(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return load(flags, env, ENV_KEYS);
}

/** loadConfig with the table of environment variables given. */
export function loadConfigWith(flags: ConfigFlags, env: NodeJS.ProcessEnv, envKeys: EnvKeys): Config {
  return load(flags, env, envKeys).config;
}

function load(flags: ConfigFlags, env: NodeJS.ProcessEnv, envKeys: EnvKeys): LoadedConfig {
  const sources = new Map<string, Source>();
  // Defaults are the schema's: what no source gives, parse() fills in.
  const merged: Record<string, unknown> = {};
  const file = flags.config ?? env.RADASSOC_CONFIG;
  if (file) merge(merged, readConfigFile(file), sources, `config file ${file}`);
  for (const [name, key] of envKeys) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    // A value that is not a number stays a string, and the error says what the key takes.
    const value = DECIMAL.test(v) && takesNumber(key) ? Number(v) : v;
    merge(merged, patchAt(key, value), sources, `environment ${name}`);
  }
  for (const [k, v] of Object.entries(flags)) {
    if (k === 'config' || v === undefined) continue;
    merged[k] = v;
    sources.set(k, `flag --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  }
  const result = configSchema().safeParse(merged);
  if (!result.success) throw new RadassocError('CONFIG_INVALID', describeIssue(result.error.issues[0]!, sources));
  checkValues(result.data, sources);
  return { config: result.data, sourceOf: (key) => sources.get(key) };
}

const POSTGRES_SCHEMES = ['postgres', 'postgresql'];

/**
 * The scheme of a database URL, lower-cased ('' when there is none), or null
 * for no URL. Only the scheme: the rest can hold a password.
 */
function schemeOf(url: string | null): string | null {
  if (url === null) return null;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  return m ? (m[1] ?? '').toLowerCase() : '';
}

/** What the schema's types cannot say: a value's meaning, checked with the parsers that use it. */
function checkValues(c: Config, sources: ReadonlyMap<string, Source>): void {
  const fail = (path: string, what: string): never => {
    throw new RadassocError('CONFIG_INVALID', `${path} ${what} (from ${sources.get(path) ?? 'defaults'})`);
  };
  const dbScheme = schemeOf(c.databaseUrl);
  if (dbScheme !== null && !POSTGRES_SCHEMES.includes(dbScheme)) {
    fail('databaseUrl', dbScheme === ''
      ? 'is not a URL: give postgres://USER:PASSWORD@HOST:5432/DATABASE'
      : `uses ${dbScheme}://, which is not supported: radassoc stores its data in PostgreSQL; give a postgres:// or postgresql:// URL`);
  }
  if (c.initialNasAddress !== null) {
    const cidr = parseCidr(c.initialNasAddress);
    if (!cidr.ok) fail('initialNasAddress', `must be the NAS's address or network: ${cidr.reason}`);
  }
}
