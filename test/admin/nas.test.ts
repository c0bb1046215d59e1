import { beforeAll, describe, expect, it } from 'vitest';
import { auditText, cliOnFreshDatabase, type Cli } from './cli-harness.js';

const STRONG = 'k4Jx9pQ2vT7mW1zR8bN3cY6hL0sD5fG-'; // 32 octets
const WEAK = 'testing123'; // 10 octets

let cli: Cli;
beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

describe('radassoc nas', () => {
  it('adds a NAS with defaults and lists it with its secret length, never the secret', async () => {
    const r = await cli.run(['nas', 'add', 'lns1', '--ip', '192.0.2.0/24', '--secret', STRONG]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('added NAS lns1 (192.0.2.0/24)\n');
    const table = await cli.ok(['nas', 'list']);
    expect(table).toMatch(/^name\s+address\s+secret_length\s+coa_port\s+require_message_authenticator\s+disconnect_profile\s+supports_coa\n/);
    expect(table).toMatch(/lns1\s+192\.0\.2\.0\/24\s+32\s+3799\s+true\s+generic\s+false/);
    expect(table).not.toContain(STRONG);
  });

  it('prints JSON only with --json, with every field but the secret', async () => {
    const added = await cli.json<Record<string, unknown>>([
      'nas', 'add', 'mt1', '--ip', '198.51.100.7', '--secret-stdin', '--coa-port', '1700',
      '--disconnect-profile', 'mikrotik', '--supports-coa', 'true', '--require-message-authenticator', 'true',
    ], { input: `${STRONG}x\n` });
    expect(added).toMatchObject({
      name: 'mt1', address: '198.51.100.7/32', secret_length: 33, coa_port: 1700,
      require_message_authenticator: true, disconnect_profile: 'mikrotik', supports_coa: true,
    });
    const list = await cli.json<Array<Record<string, unknown>>>(['nas', 'list']);
    expect(list.map((n) => n.name)).toEqual(['lns1', 'mt1']);
    for (const n of list) {
      expect(Object.keys(n).sort()).toEqual(
        ['address', 'coa_port', 'created_at', 'disconnect_profile', 'name', 'require_message_authenticator', 'secret_length', 'supports_coa'],
      );
    }
    expect(JSON.stringify(list)).not.toContain(STRONG);
  });

  it('warns on stderr about a secret of 12 octets or less and about turning Message-Authenticator off', async () => {
    const r = await cli.run(['nas', 'add', 'old', '--ip', '203.0.113.9', '--secret', WEAK, '--require-message-authenticator', 'false']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the shared secret of NAS old is only 10 octets.*BlastRADIUS.*32 or more/);
    expect(r.stderr).toMatch(/warning: NAS old may send Access-Requests without Message-Authenticator/);
    expect(r.stderr).not.toContain(WEAK);
    const list = await cli.json<Array<Record<string, unknown>>>(['nas', 'list']);
    expect(list.find((n) => n.name === 'old')).toMatchObject({ secret_length: 10, require_message_authenticator: false });
  });

  it('refuses an empty secret, a missing secret, both secret flags, a bad address and an overlap, each in one line', async () => {
    const cases: Array<[string[], RegExp, string?]> = [
      [['nas', 'add', 'e', '--ip', '10.1.0.1', '--secret', ''], /the shared secret cannot be empty/],
      [['nas', 'add', 'e', '--secret', STRONG], /give the NAS source address with --ip <addr\|cidr>/],
      [['nas', 'add', 'e', '--ip', '10.1.0.1'], /give the secret with --secret <secret> or --secret-stdin/],
      [['nas', 'add', 'e', '--ip', '10.1.0.1', '--secret', STRONG, '--secret-stdin'], /either with --secret or with --secret-stdin, not both/, STRONG],
      [['nas', 'add', 'e', '--ip', '10.1.0.300', '--secret', STRONG], /"10\.1\.0\.300" is not an IPv4 or IPv6 address/],
      [['nas', 'add', 'e', '--ip', '10.1.0.1/8', '--secret', STRONG], /host bits set.*did you mean 10\.0\.0\.0\/8/],
      [['nas', 'add', 'e', '--ip', '192.0.2.77', '--secret', STRONG], /overlaps NAS lns1 \(192\.0\.2\.0\/24\)/],
      [['nas', 'add', 'lns1', '--ip', '10.9.9.9', '--secret', STRONG], /NAS lns1 already exists/],
    ];
    for (const [args, message, input] of cases) {
      const r = await cli.run(args, input === undefined ? {} : { input });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain(STRONG);
    }
    const list = await cli.json<Array<{ name: string }>>(['nas', 'list']);
    expect(list.map((n) => n.name)).not.toContain('e');
  });

  it('removes a NAS, and says so when there is none by that name', async () => {
    expect(await cli.ok(['nas', 'remove', 'old'])).toBe('removed NAS old\n');
    const again = await cli.run(['nas', 'remove', 'old']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('radassoc: no NAS named old; see `radassoc nas list`\n');
  });

  it('records every change in the audit log without the shared secret', async () => {
    const rows = await cli.sql<{ action: string; target: string; after: Record<string, unknown> | null }>(
      "SELECT action, target, after FROM audit_log WHERE target LIKE 'nas:%' ORDER BY id",
    );
    expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual(['nas.add nas:lns1', 'nas.add nas:mt1', 'nas.add nas:old', 'nas.remove nas:old']);
    expect(rows[0]?.after).toMatchObject({ name: 'lns1', address: '192.0.2.0/24' });
    const text = await auditText(cli);
    for (const secret of [STRONG, WEAK]) expect(text).not.toContain(secret);
  });
});
