/**
 * The configuration's documentation follows its schema: the example file
 * parses and shows every key, and config/README.md's table has one row per
 * key with the schema's default and the environment variable that sets it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV_KEYS, loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';

const EXAMPLE = fileURLToPath(new URL('../../config/radassoc.example.json', import.meta.url));
const README = fileURLToPath(new URL('../../config/README.md', import.meta.url));

/** The keys an admin sets: `authPort`, `accounting.flushCron`; replyMessages is one key (a map of reasons). */
function keyPaths(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && k !== 'replyMessages' ? keyPaths(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

const valueAt = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);

/** The README table's rows by key: default, environment and flag columns, backticks removed. */
function readmeRows(): Map<string, { default: string; env: string }> {
  const rows = new Map<string, { default: string; env: string }>();
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim().replaceAll('`', ''));
    if (cells.length < 6 || cells[1] === 'key' || cells[1]?.startsWith('---')) continue;
    rows.set(cells[1]!, { default: cells[2]!, env: cells[3]! });
  }
  return rows;
}

describe('config/radassoc.example.json', () => {
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;

  it('parses, and every value in it is the one loaded', () => {
    const loaded = loadConfig({ config: EXAMPLE }, {});
    for (const path of keyPaths(example)) {
      if (path === 'replyMessages') expect(loaded.replyMessages).toMatchObject(example.replyMessages as object);
      else expect([path, valueAt(loaded, path)]).toEqual([path, valueAt(example, path)]);
    }
  });

  it('shows every key, with its default except where it gives an example', () => {
    expect(keyPaths(example).sort()).toEqual(keyPaths(DEFAULT_CONFIG).sort());
    const examples = new Set(['dataDir', 'databaseUrl', 'redisUrl', 'replyMessages']);
    for (const path of keyPaths(DEFAULT_CONFIG).filter((p) => !examples.has(p))) {
      expect([path, valueAt(example, path)]).toEqual([path, valueAt(DEFAULT_CONFIG, path)]);
    }
  });
});

describe('config/README.md', () => {
  const rows = readmeRows();

  it('has one row for every key and none for a key that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(keyPaths(DEFAULT_CONFIG).sort());
  });

  it("gives each key's default as the schema does", () => {
    for (const path of keyPaths(DEFAULT_CONFIG).filter((p) => p !== 'replyMessages')) {
      const cell = rows.get(path)?.default ?? '';
      // A cron default is followed by what it means: "* * * * * (every minute)".
      expect([path, cell === String(valueAt(DEFAULT_CONFIG, path)) || cell.startsWith(`${String(valueAt(DEFAULT_CONFIG, path))} (`)]).toEqual([path, true]);
    }
  });

  it('names the environment variable of every key the environment can set', () => {
    for (const [name, path] of ENV_KEYS) expect([path, rows.get(path)?.env]).toEqual([path, name]);
    const fromEnv = new Set<string>(ENV_KEYS.map(([, path]) => path));
    for (const [path, row] of rows) if (!fromEnv.has(path)) expect([path, row.env]).toEqual([path, '']);
  });
});
