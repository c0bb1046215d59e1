/**
 * Loading the configuration (src/config/load.ts, schema.ts): flags beat the
 * environment, which beats the config file, which beats the schema's
 * defaults; a refusal names the key, its full path and where its value came
 * from, at every level of nesting.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadConfigWith, type ConfigFlags } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { isRadassocError } from '../../src/errors.js';
import { tempDir } from '../support/temp.js';

function configFile(content: unknown): string {
  const path = join(tempDir('radassoc-config-'), 'radassoc.json');
  writeFileSync(path, JSON.stringify(content));
  chmodSync(path, 0o600);
  return path;
}

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    if (isRadassocError(e)) {
      expect(e.code).toBe('CONFIG_INVALID');
      return e.message;
    }
    throw e;
  }
  throw new Error('the configuration was accepted');
}

const fromFile = (content: unknown, flags: ConfigFlags = {}): string => refusal(() => loadConfig({ ...flags, config: configFile(content) }, {}));

describe('configuration precedence', () => {
  it('takes each key from the flag, else the environment, else the file, else the default', () => {
    const file = configFile({ dataDir: '/from/file', redisUrl: 'redis://file:6379', authPort: 11812, redisKeyPrefix: 'file:' });
    const env = { RADASSOC_DATA_DIR: '/from/env', REDIS_URL: 'redis://env:6379' };
    const c = loadConfig({ config: file, dataDir: '/from/flag' }, env);
    expect(c.dataDir).toBe('/from/flag');
    expect(c.redisUrl).toBe('redis://env:6379');
    expect(c.authPort).toBe(11812);
    expect(c.redisKeyPrefix).toBe('file:');
    expect(c.acctPort).toBe(DEFAULT_CONFIG.acctPort);
    expect(loadConfig({ config: file }, env).dataDir).toBe('/from/env');
    expect(loadConfig({ config: file }, { RADASSOC_DATA_DIR: '' }).dataDir).toBe('/from/file');
  });

  it('reads the file named by RADASSOC_CONFIG when no --config is given', () => {
    expect(loadConfig({}, { RADASSOC_CONFIG: configFile({ httpPort: 0 }) }).httpPort).toBe(0);
  });

  it('keeps the defaults of the keys a file leaves out of a section', () => {
    const c = loadConfig({ config: configFile({ accounting: { staleMultiple: 5 }, replyMessages: { suspended: 'Pay your dues.' } }) }, {});
    expect(c.accounting).toEqual({ ...DEFAULT_CONFIG.accounting, staleMultiple: 5 });
    expect(c.replyMessages).toEqual({ ...DEFAULT_CONFIG.replyMessages, suspended: 'Pay your dues.' });
  });

  it('gives every loaded configuration its own objects', () => {
    const a = loadConfig({}, {});
    a.accounting.staleMultiple = 99;
    a.replyMessages.suspended = 'changed';
    expect(loadConfig({}, {}).accounting.staleMultiple).toBe(DEFAULT_CONFIG.accounting.staleMultiple);
    expect(loadConfig({}, {}).replyMessages.suspended).toBe(DEFAULT_CONFIG.replyMessages.suspended);
  });
});

describe('configuration keys that do not exist', () => {
  it('refuses a misspelled nested key, naming its path and the key it most likely meant', () => {
    const file = configFile({ accounting: { flushCrn: '*/2 * * * *' } });
    expect(refusal(() => loadConfig({ config: file }, {}))).toBe(
      `accounting.flushCrn is not a configuration key; did you mean accounting.flushCron? (from config file ${file})`,
    );
  });

  it('refuses a misspelled top-level key, whatever its case', () => {
    expect(fromFile({ authPrt: 1812 })).toMatch(/^authPrt is not a configuration key; did you mean authPort\? \(from config file /);
    expect(fromFile({ lockout: { windowseconds: 60 } })).toMatch(/^lockout\.windowseconds is not a configuration key; did you mean lockout\.windowSeconds\?/);
  });

  it('lists the keys of a small section when nothing is close, and points to the documentation otherwise', () => {
    expect(fromFile({ dues: { when: 'daily' } })).toMatch(/^dues\.when is not a configuration key; known: cron, graceDays \(from config file /);
    expect(fromFile({ colour: 'blue' })).toMatch(/^colour is not a configuration key; every key is listed in config\/README\.md \(from config file /);
  });

  it('refuses a reply message for a reason that does not exist', () => {
    expect(fromFile({ replyMessages: { supended: 'x' } })).toMatch(/^replyMessages\.supended is not a reject reason; did you mean replyMessages\.suspended\?/);
    expect(fromFile({ replyMessages: { expired: 'x' } })).toMatch(/^replyMessages\.expired is not a reject reason; known: unknown-user, bad-password, suspended,/);
  });
});

describe('configuration values', () => {
  it.each([
    [{ authPort: 70000 }, 'authPort must be a port number (0 disables), got 70000'],
    [{ embeddedDbPort: 0 }, 'embeddedDbPort must be a port number, got 0'],
    [{ udpReceiveBufferBytes: 1024 }, 'udpReceiveBufferBytes must be an integer >= 65536, got 1024'],
    [{ accounting: { staleMultiple: 1.5 } }, 'accounting.staleMultiple must be an integer >= 1, got 1.5'],
    [{ dues: { graceDays: -1 } }, 'dues.graceDays must be an integer >= 0, got -1'],
    [{ authLog: { pruneCron: '' } }, 'authLog.pruneCron must be a non-empty string'],
    [{ lockout: 10 }, 'lockout must be an object of keys'],
    [{ workers: 0 }, 'workers must be a number >= 1 or "auto", got 0'],
    [{ workers: 'all' }, 'workers must be a number >= 1 or "auto", got "all"'],
    [{ sessionLimitWhenStoreDown: 'maybe' }, 'sessionLimitWhenStoreDown must be "allow" or "deny"'],
    [{ restrictedPlan: 7 }, 'restrictedPlan must be a non-empty string or null'],
    [{ replyMessages: { suspended: '' } }, 'replyMessages.suspended must be a non-empty string'],
  ])('refuses %j, naming the key and the file', (content, what) => {
    const file = configFile(content);
    expect(refusal(() => loadConfig({ config: file }, {}))).toBe(`${what} (from config file ${file})`);
  });

  it('names the flag a bad value came from, over the file that had a good one', () => {
    expect(fromFile({ authPort: 1812 }, { authPort: Number.NaN })).toBe('authPort must be a port number (0 disables), got null (from flag --auth-port)');
    expect(fromFile({}, { workers: 0 })).toBe('workers must be a number >= 1 or "auto", got 0 (from flag --workers)');
  });

  it('accepts the values at the edges of each range', () => {
    const c = loadConfig({ config: configFile({ authPort: 0, acctPort: 65535, workers: 'auto', duplicateWindowMs: 0, authLog: { retentionDays: 0 }, bind: null }) }, {});
    expect([c.authPort, c.acctPort, c.workers, c.duplicateWindowMs, c.authLog.retentionDays, c.bind]).toEqual([0, 65535, 'auto', 0, 0, null]);
  });
});

describe('configuration from the environment', () => {
  it('reads a variable as a number when its key takes one, and names the variable when it is refused', () => {
    const table = [
      ['TEST_AUTH_PORT', 'authPort'],
      ['TEST_GRACE_DAYS', 'dues.graceDays'],
      ['TEST_WORKERS', 'workers'],
      ['TEST_PREFIX', 'redisKeyPrefix'],
    ] as const;
    const c = loadConfigWith({}, { TEST_AUTH_PORT: '11812', TEST_GRACE_DAYS: '3', TEST_WORKERS: '2', TEST_PREFIX: '42' }, table);
    expect([c.authPort, c.dues.graceDays, c.workers, c.redisKeyPrefix]).toEqual([11812, 3, 2, '42']);
    expect(c.dues.cron).toBe(DEFAULT_CONFIG.dues.cron);
    expect(loadConfigWith({}, { TEST_WORKERS: 'auto' }, table).workers).toBe('auto');
    expect(refusal(() => loadConfigWith({}, { TEST_AUTH_PORT: 'radius' }, table))).toBe(
      'authPort must be a port number (0 disables), got "radius" (from environment TEST_AUTH_PORT)',
    );
    expect(refusal(() => loadConfigWith({}, { TEST_GRACE_DAYS: '-2' }, table))).toBe('dues.graceDays must be an integer >= 0, got -2 (from environment TEST_GRACE_DAYS)');
  });

  it('lets a flag override the environment and the environment override a file, key by key within a section', () => {
    const table = [['TEST_STALE', 'accounting.staleMultiple']] as const;
    const file = configFile({ accounting: { staleMultiple: 4, reapCron: '*/10 * * * *' }, authPort: 1 });
    const c = loadConfigWith({ config: file, authPort: 2 }, { TEST_STALE: '6' }, table);
    expect([c.accounting.staleMultiple, c.accounting.reapCron, c.authPort]).toEqual([6, '*/10 * * * *', 2]);
  });
});
