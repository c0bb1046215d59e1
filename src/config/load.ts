/**
 * Builds the Config from defaults, a JSON file, the environment and flags, in
 * that order of precedence, and validates it. A validation error names the key
 * and where its value came from, so an admin knows which of the four to fix.
 */
import { readFileSync, statSync } from 'node:fs';
import { RadassocError } from '../errors.js';
import { REJECT_REASONS } from '../domain/auth-result.js';
import { parseCidr } from '../net/ip.js';
import { DEFAULT_CONFIG, type Config } from './schema.js';

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
type Source = string;

/** Environment variables read into the config (a container is configured this way). */
export const ENV_KEYS: ReadonlyArray<[string, keyof Config]> = [
  ['DATABASE_URL', 'databaseUrl'],
  ['REDIS_URL', 'redisUrl'],
  ['RADASSOC_DATA_DIR', 'dataDir'],
  ['LOG_LEVEL', 'logLevel'],
  ['LOG_FORMAT', 'logFormat'],
  ['RADASSOC_HTTP_HOST', 'httpHost'],
  ['RADASSOC_INITIAL_NAS_ADDRESS', 'initialNasAddress'],
  ['RADASSOC_INITIAL_NAS_SECRET', 'initialNasSecret'],
  ['RADASSOC_INITIAL_NAS_SECRET_FILE', 'initialNasSecretFile'],
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(target: Record<string, unknown>, patch: Record<string, unknown>, sources: Map<string, Source>, src: Source, prefix = ''): void {
  for (const [k, v] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const current = target[k];
    if (isObject(v) && isObject(current)) {
      const copy = { ...current };
      merge(copy, v, sources, src, path);
      target[k] = copy;
    } else {
      target[k] = v;
      sources.set(path, src);
    }
  }
}

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
  return loadConfigWithSources(flags, env).config;
}

/** The Config and, per key, where its value came from (undefined: the default). */
export interface LoadedConfig {
  config: Config;
  sourceOf(key: string): string | undefined;
}

export function loadConfigWithSources(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const sources = new Map<string, Source>();
  const merged = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  const file = flags.config ?? env.RADASSOC_CONFIG;
  if (file) merge(merged, readConfigFile(file), sources, `config file ${file}`);
  for (const [name, key] of ENV_KEYS) {
    const v = env[name];
    if (v !== undefined && v !== '') merge(merged, { [key]: v }, sources, `environment ${name}`);
  }
  const flagMap: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) if (k !== 'config' && v !== undefined) flagMap[k] = v;
  for (const k of Object.keys(flagMap)) sources.set(k, `flag --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  Object.assign(merged, flagMap);
  return { config: validate(merged, sources), sourceOf: (key) => sources.get(key) };
}

const POSTGRES_SCHEMES = ['postgres', 'postgresql'];

/**
 * The scheme of a database URL, lower-cased ('' when there is none), or null
 * for no URL. Only the scheme: the rest can hold a password.
 */
function schemeOf(url: unknown): string | null {
  if (typeof url !== 'string' || url === '') return null;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  return m ? (m[1] ?? '').toLowerCase() : '';
}

function validate(c: Record<string, unknown>, sources: Map<string, Source>): Config {
  const fail = (path: string, what: string): never => {
    const src = sources.get(path) ?? 'defaults';
    throw new RadassocError('CONFIG_INVALID', `${path} ${what} (from ${src})`);
  };
  const get = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), c);
  const port = (path: string, allowZero = false): void => {
    const v = get(path);
    if (!Number.isInteger(v) || (v as number) < (allowZero ? 0 : 1) || (v as number) > 65535) fail(path, `must be a port number${allowZero ? ' (0 disables)' : ''}, got ${JSON.stringify(v)}`);
  };
  const int = (path: string, min: number): void => {
    const v = get(path);
    if (!Number.isInteger(v) || (v as number) < min) fail(path, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  const str = (path: string, nullable = false): void => {
    const v = get(path);
    if (v === null && nullable) return;
    if (typeof v !== 'string' || v === '') fail(path, `must be a non-empty string${nullable ? ' or null' : ''}`);
  };
  // 0 asks the kernel for a free port (tests, several daemons on one host).
  port('authPort', true);
  port('acctPort', true);
  port('httpPort', true);
  port('embeddedDbPort');
  str('bind', true);
  str('dataDir');
  str('httpHost');
  str('databaseUrl', true);
  const dbScheme = schemeOf(get('databaseUrl'));
  if (dbScheme !== null && !POSTGRES_SCHEMES.includes(dbScheme)) {
    fail('databaseUrl', dbScheme === ''
      ? 'is not a URL: give postgres://USER:PASSWORD@HOST:5432/DATABASE'
      : `uses ${dbScheme}://, which is not supported: radassoc stores its data in PostgreSQL; give a postgres:// or postgresql:// URL`);
  }
  str('redisUrl', true);
  str('redisKeyPrefix');
  str('restrictedPlan', true);
  str('logLevel');
  if (!['auto', 'json', 'pretty'].includes(get('logFormat') as string)) fail('logFormat', 'must be "auto", "json" or "pretty"');
  str('initialNasAddress', true);
  str('initialNasSecret', true);
  str('initialNasSecretFile', true);
  const first = get('initialNasAddress');
  if (typeof first === 'string') {
    const cidr = parseCidr(first);
    if (!cidr.ok) fail('initialNasAddress', `must be the NAS's address or network: ${cidr.reason}`);
  }
  const workers = get('workers');
  if (workers !== 'auto' && (!Number.isInteger(workers) || (workers as number) < 1)) fail('workers', `must be a number >= 1 or "auto", got ${JSON.stringify(workers)}`);
  int('udpReceiveBufferBytes', 65536);
  int('duplicateWindowMs', 0);
  if (!['allow', 'deny'].includes(get('sessionLimitWhenStoreDown') as string)) fail('sessionLimitWhenStoreDown', 'must be "allow" or "deny"');
  for (const p of ['accounting.flushCron', 'accounting.reapCron', 'dues.cron', 'authLog.pruneCron']) str(p);
  int('authLog.retentionDays', 0);
  int('accounting.staleMultiple', 1);
  int('accounting.defaultInterimInterval', 10);
  int('dues.graceDays', 0);
  int('lockout.userThreshold', 1);
  int('lockout.nasThreshold', 1);
  int('lockout.windowSeconds', 1);
  const replies = get('replyMessages');
  if (!isObject(replies)) fail('replyMessages', 'must be an object of reason → text');
  for (const k of Object.keys(replies as object)) {
    if (!(REJECT_REASONS as readonly string[]).includes(k)) fail(`replyMessages.${k}`, `is not a reject reason; known: ${REJECT_REASONS.join(', ')}`);
    str(`replyMessages.${k}`);
  }
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  for (const k of Object.keys(c)) if (!known.has(k)) fail(k, 'is not a configuration key (see config/radassoc.example.json)');
  return c as unknown as Config;
}
