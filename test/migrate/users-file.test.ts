import { describe, expect, it } from 'vitest';
import { parseUsersFile } from '../../src/migrate/users-file.js';

/**
 * A users file as an association might have it: the examples and the
 * DEFAULT entries of FreeRADIUS 3's default mods-config/files/authorize
 * (uncommented), then members of its own.
 */
const REALISTIC = `#
# Configuration file for the rlm_files module.
#
bob	Cleartext-Password := "hello"
	Reply-Message := "Hello, %{User-Name}"

steve	Cleartext-Password := "testing"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Framed-IP-Address = 172.16.3.33,
	Framed-IP-Netmask = 255.255.255.0,
	Framed-Routing = Broadcast-Listen,
	Framed-Filter-Id = "std.ppp",
	Framed-MTU = 1500,
	Framed-Compression = Van-Jacobson-TCP-IP

DEFAULT	Group == "disabled", Auth-Type := Reject
	Reply-Message = "Your account has been disabled."

DEFAULT	Auth-Type := Local
	Fall-Through = 1

#
# Default for PPP: dynamic IP address, PPP mode, VJ-compression.
#
DEFAULT	Framed-Protocol == PPP
	Framed-Protocol = PPP,
	Framed-Compression = Van-Jacobson-TCP-IP

DEFAULT	Hint == "CSLIP"
	Framed-Protocol = SLIP,
	Framed-Compression = Van-Jacobson-TCP-IP

DEFAULT	Hint == "SLIP"
	Framed-Protocol = SLIP

# Members of the association
"jean dupont"	Cleartext-Password := "pa ss\\"word\\\\", Simultaneous-Use := 1   # quoted name and escapes
	Framed-IP-Address = 192.0.2.10,   # a comment after a comma
	# a comment line between reply lines

	Mikrotik-Rate-Limit = "20M/20M",
	Tunnel-Type:1 = L2TP,
	Fall-Through = No
alice	NT-Password := 0xFC156AF7EDCD6C0EDDE3337D427F4EAC, Expiration := "Jan 01 2027 12:00:00"
carol	Crypt-Password := '$6$salt$abc', Calling-Station-Id =~ "^00:11:"
	Session-Timeout += 3600, Acct-Interim-Interval := 300
$INCLUDE users.d/more
dave	Auth-Type := Reject
`;

describe('parseUsersFile on a realistic file', () => {
  const parsed = parseUsersFile(REALISTIC);

  it('finds every entry, in order, with its line, and no problem', () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.name, e.line])).toEqual([
      ['bob', 4], ['steve', 7], ['DEFAULT', 17], ['DEFAULT', 20], ['DEFAULT', 26], ['DEFAULT', 30], ['DEFAULT', 34],
      ['jean dupont', 38], ['alice', 45], ['carol', 46], ['dave', 49],
    ]);
    expect(parsed.includes).toEqual([{ line: 48, path: 'users.d/more' }]);
  });

  it('reads check items with their operators and reply items across comma-ended lines', () => {
    const steve = parsed.entries[1]!;
    expect(steve.check).toEqual([{ attribute: 'Cleartext-Password', op: ':=', value: 'testing', quote: 'double' }]);
    expect(steve.reply.map((i) => `${i.attribute} ${i.op} ${i.value}`)).toEqual([
      'Service-Type = Framed-User', 'Framed-Protocol = PPP', 'Framed-IP-Address = 172.16.3.33',
      'Framed-IP-Netmask = 255.255.255.0', 'Framed-Routing = Broadcast-Listen', 'Framed-Filter-Id = std.ppp',
      'Framed-MTU = 1500', 'Framed-Compression = Van-Jacobson-TCP-IP',
    ]);
    expect(parsed.entries[0]!.reply[0]).toEqual({ attribute: 'Reply-Message', op: ':=', value: 'Hello, %{User-Name}', quote: 'double' });
  });

  it('marks DEFAULT entries and Fall-Through, and keeps Fall-Through out of the reply items', () => {
    const [, , disabled, local] = parsed.entries;
    expect(disabled).toMatchObject({ isDefault: true, fallThrough: false });
    expect(disabled!.check.map((i) => [i.attribute, i.op, i.value])).toEqual([['Group', '==', 'disabled'], ['Auth-Type', ':=', 'Reject']]);
    expect(local).toMatchObject({ isDefault: true, fallThrough: true, reply: [] });
    const jean = parsed.entries[7]!;
    expect(jean.fallThrough).toBe(false);
    expect(jean.reply.map((i) => i.attribute)).toEqual(['Framed-IP-Address', 'Mikrotik-Rate-Limit', 'Tunnel-Type:1']);
  });

  it('undoes quotes and escapes, keeps 0x and single-quoted values as written', () => {
    const jean = parsed.entries[7]!;
    expect(jean.check[0]!.value).toBe('pa ss"word\\');
    expect(jean.check[1]).toEqual({ attribute: 'Simultaneous-Use', op: ':=', value: '1', quote: 'none' });
    expect(parsed.entries[8]!.check[0]!.value).toBe('0xFC156AF7EDCD6C0EDDE3337D427F4EAC');
    expect(parsed.entries[8]!.check[1]!.value).toBe('Jan 01 2027 12:00:00');
    const carol = parsed.entries[9]!;
    expect(carol.check).toEqual([
      { attribute: 'Crypt-Password', op: ':=', value: '$6$salt$abc', quote: 'single' },
      { attribute: 'Calling-Station-Id', op: '=~', value: '^00:11:', quote: 'double' },
    ]);
    expect(carol.reply.map((i) => i.op)).toEqual(['+=', ':=']);
  });

  it('reads an entry with no reply items at the end of the file', () => {
    expect(parsed.entries[10]).toMatchObject({ name: 'dave', reply: [], check: [{ attribute: 'Auth-Type', value: 'Reject' }] });
  });

  it('reads Windows line ends and a byte-order mark alike', () => {
    const crlf = parseUsersFile(`\uFEFF${REALISTIC.replace(/\n/g, '\r\n')}`);
    expect(crlf.problems).toEqual([]);
    expect(crlf.entries).toEqual(parsed.entries);
  });
});

describe('parseUsersFile on hostile and garbled input', () => {
  it('names the line of a reply line that lost its comma, and keeps the entries around it', () => {
    const r = parseUsersFile('ann Cleartext-Password := "a"\n\tSession-Timeout = 10\n\tIdle-Timeout = 5\nben Cleartext-Password := "b"\n');
    expect(r.entries.map((e) => e.name)).toEqual(['ann', 'ben']);
    expect(r.problems).toEqual([{ line: 3, message: expect.stringMatching(/needs a comma/) }]);
  });

  it('reports a comma before a new entry and at the end of the file', () => {
    const r = parseUsersFile('ann Cleartext-Password := "a"\n\tSession-Timeout = 10,\nben Auth-Type := Reject\n\tIdle-Timeout = 5,\n');
    expect(r.problems.map((p) => p.line)).toEqual([3, 5]);
    expect(r.problems[0]!.message).toMatch(/delete that last comma/);
    expect(r.entries.map((e) => e.name)).toEqual(['ann', 'ben']);
  });

  it('drops an entry whose check items are broken, with its reply lines, and goes on', () => {
    const r = parseUsersFile(
      [
        'bad1 Cleartext-Password "nope"',
        '\tSession-Timeout = 10',
        'bad2 Cleartext-Password := "unterminated',
        'bad3 Cleartext-Password := x,',
        '\tSession-Timeout = 10',
        'bad4 Cleartext-Password := a b',
        'bad5 := x',
        'bad6 Session-Timeout =',
        'good Cleartext-Password := ok',
        '\tReply-Message = "unterminated',
        '\tSession-Timeout = 1',
        'good2 Cleartext-Password := ok',
        '\tFall-Through = maybe',
      ].join('\n'),
    );
    expect(r.entries.map((e) => e.name)).toEqual(['good2']);
    expect(r.problems.map((p) => p.line)).toEqual([1, 3, 4, 6, 7, 8, 10, 12]);
    expect(r.problems[0]!.message).toMatch(/operator/);
    expect(r.problems[1]!.message).toMatch(/closing "/);
    expect(r.problems[2]!.message).toMatch(/end with a comma/);
    expect(r.problems[3]!.message).toMatch(/missing comma/);
    expect(r.problems[7]!.message).toMatch(/Fall-Through/);
  });

  it('reports an indented first line, an empty $INCLUDE, an unterminated quoted name and an over-long line', () => {
    const r = parseUsersFile(`\tSession-Timeout = 1\n$INCLUDE\n"open name Auth-Type := Reject\nlong Reply-Message = "${'x'.repeat(9000)}"\nok Auth-Type := Reject\n`);
    expect(r.problems.map((p) => p.line)).toEqual([1, 2, 3, 4]);
    expect(r.entries.map((e) => e.name)).toEqual(['ok']);
  });

  it('never throws on arbitrary bytes and gives every problem a line inside the file', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'ab =:,"\'\\#\t\n{}$-+!~<>*`0x';
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let i = 0; i < 200; i++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const lines = text.split('\n').length;
      const r = parseUsersFile(text);
      for (const p of r.problems) {
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(lines);
      }
    }
  });
});
