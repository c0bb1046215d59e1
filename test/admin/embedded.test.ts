import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

describe('the CLI on the embedded default (no DATABASE_URL)', () => {
  it('creates the database under --data-dir and keeps members between runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'radassoc-cli-embedded-'));
    const run = (args: string[], input?: string) =>
      runCli(['--data-dir', dataDir, ...args], input === undefined ? {} : { input });
    const added = await run(['member', 'add', 'alice', '--password-stdin', '--max-sessions', '1'], 'alice-pw\n');
    expect(added.stderr).toBe('');
    expect(added).toMatchObject({ code: 0, stdout: 'added member alice (auth: pap,chap,mschapv1,mschapv2; credential: cleartext)\n' });
    const list = await run(['member', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ username: 'alice', max_sessions: 1, status: 'active' }]);
    const migrate = await run(['migrate', '--json']);
    expect(JSON.parse(migrate.stdout)).toMatchObject({ applied: [] });
  }, 60_000);
});
