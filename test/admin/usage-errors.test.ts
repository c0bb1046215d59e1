/**
 * yargs' own refusals reach the admin in our words: which command, what is
 * missing or misspelt, the nearest right spelling, the synopsis, then one
 * line pointing at that command's --help; exit 1, no stack, no database
 * opened (the URL points nowhere).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

const NOWHERE = { databaseUrl: 'postgres://127.0.0.1:1/none' };

async function usage(args: string[], message: string, help: string): Promise<void> {
  const r = await runCli(args, NOWHERE);
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`radassoc: ${message}\nRun \`${help} --help\` for usage.\n`);
}

describe('usage mistakes', () => {
  it('names the missing argument of the command, with its synopsis', async () => {
    await usage(['member', 'add'], 'member add needs a user name: radassoc member add <username> (--password <pw> | --password-stdin) [options]', 'radassoc member add');
    await usage(['plan', 'add'], "plan add needs a plan name: radassoc plan add <name> [--attr 'Attribute=Value']...", 'radassoc plan add');
    await usage(['member', 'import'], 'member import needs a CSV file: radassoc member import <file>', 'radassoc member import');
    await usage(['diagnose'], 'diagnose needs a user name: radassoc diagnose <username> [options]', 'radassoc diagnose');
    await usage(['export', '--from', '2026-11-01'], 'export needs --to: radassoc export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--detail] [--out FILE]', 'radassoc export');
  });

  it('suggests the option or command a typo away', async () => {
    await usage(['member', 'add', 'alice', '--pasword', 'x'], 'unknown option --pasword for member add; did you mean --password?', 'radassoc member add');
    await usage(['member', 'set', 'alice', '--max-sesions', '2'], 'unknown option --max-sesions for member set; did you mean --max-sessions?', 'radassoc member set');
    await usage(['member', 'add', 'alice', '--frobnicate'], 'unknown option --frobnicate for member add', 'radassoc member add');
    await usage(['membr', 'list'], "unknown command 'membr'; did you mean member?", 'radassoc');
    await usage(['plan', 'ad', 'x'], "unknown command 'ad' for plan; did you mean add?", 'radassoc plan');
    await usage(['member', 'frobnicate'], "unknown command 'frobnicate' for member; the member commands are add, show, list, passwd, set, suspend, resume, remove, import or data", 'radassoc member');
  });

  it('says which values an option takes, and what a group or the root needs', async () => {
    await usage(['member', 'list', '--status', 'suspendd'], "--status for member list must be active or suspended, not 'suspendd'; did you mean suspended?", 'radassoc member list');
    await usage(['member', 'add', 'al', 'ice'], "unexpected argument 'ice' for member add: radassoc member add <username> (--password <pw> | --password-stdin) [options] (quote a value that holds spaces)", 'radassoc member add');
    await usage(['nas'], 'nas needs a command: add, diagnose, list, show, set, remove', 'radassoc nas');
    const root = await runCli([], NOWHERE);
    expect(root.code).toBe(1);
    expect(root.stderr).toMatch(/^radassoc: name a command: serve, migrate, nas, plan, member, .*\nRun `radassoc --help` for usage\.\n$/);
  });

  it('keeps yargs\' own words out, whatever the locale', async () => {
    const r = await runCli(['member', 'add', '--pasword'], { ...NOWHERE, env: { LANG: 'fr_FR.UTF-8', LC_ALL: 'fr_FR.UTF-8' } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/Not enough|Unknown argument|Missing required|Invalid values|Did you mean|arguments/);
    expect(r.stderr).toMatch(/^radassoc: member add needs a user name/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('radassoc:'))).toHaveLength(1);
  });
});
