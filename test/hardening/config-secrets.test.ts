/**
 * Secrets in the configuration file (src/config/load.ts): a file that holds
 * a password is refused while every user can read it, and no error about the
 * file ever quotes a password back.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { isRadassocError } from '../../src/errors.js';
import { tempDir } from '../support/temp.js';

const DB_PASSWORD = 'Qz8vWx3Kj7pL';
const REDIS_PASSWORD = 'Yh4mTn9Rb2dF';

function configFile(content: string, mode: number): string {
  const path = join(tempDir('radassoc-config-'), 'radassoc.json');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function refusal(path: string): { code: string; message: string } {
  try {
    loadConfig({ config: path }, {});
  } catch (e) {
    if (isRadassocError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration file holding secrets', () => {
  it.each([
    ['databaseUrl', `postgres://radassoc:${DB_PASSWORD}@db.example.org/radassoc`],
    ['redisUrl', `redis://:${REDIS_PASSWORD}@127.0.0.1:6379`],
  ])('refuses a world-readable file with a password in %s, and says how to fix it without quoting it', (key, url) => {
    const path = configFile(JSON.stringify({ [key]: url }), 0o644);
    const { code, message } = refusal(path);
    expect(code).toBe('CONFIG_FILE_INSECURE');
    expect(message).toContain(`chmod o-r ${path}`);
    expect(message).not.toContain(DB_PASSWORD);
    expect(message).not.toContain(REDIS_PASSWORD);
  });

  it('accepts the same file once others cannot read it, and a world-readable file without passwords', () => {
    const secret = JSON.stringify({ databaseUrl: `postgres://radassoc:${DB_PASSWORD}@db/radassoc` });
    expect(loadConfig({ config: configFile(secret, 0o640) }, {}).databaseUrl).toContain(DB_PASSWORD);
    expect(loadConfig({ config: configFile(JSON.stringify({ databaseUrl: 'postgres://radassoc@db/radassoc' }), 0o644) }, {}).databaseUrl).toBe('postgres://radassoc@db/radassoc');
  });

  it.each([
    ['an unquoted URL (V8 quotes its first characters)', `{"redisUrl":redis://:${REDIS_PASSWORD}@r}`],
    ['a bad literal just after the password (V8 quotes its last characters)', `{"redisUrl":"redis://:${REDIS_PASSWORD}","a":t}`],
    ['a bad literal after a database URL', `{"databaseUrl":"postgres://u:${DB_PASSWORD}","b":n}`],
  ])('does not quote the file back in a JSON syntax error: %s', (_what, text) => {
    const { code, message } = refusal(configFile(text, 0o600));
    expect(code).toBe('CONFIG_INVALID');
    expect(message).not.toMatch(/\.\.\."|" is not valid JSON/);
    for (const secret of [DB_PASSWORD, REDIS_PASSWORD]) {
      // Not even a fragment: any three consecutive characters of the password.
      for (let i = 0; i + 3 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 3));
    }
  });

  it('names the key and its source in a validation error, not the value of a URL', () => {
    const path = configFile(JSON.stringify({ databaseUrl: `postgres://u:${DB_PASSWORD}@h/d`, authPort: 'x' }), 0o600);
    const { code, message } = refusal(path);
    expect(code).toBe('CONFIG_INVALID');
    expect(message).toContain('authPort');
    expect(message).not.toContain(DB_PASSWORD);
  });
});
