/**
 * What the member commands share: the password and field flags of add, set
 * and passwd, and those flags turned into the member services' input
 * (services/members.ts checks the values themselves).
 */
import { ALL_AUTH_METHODS } from '../domain/member.js';
import { fail, type RadassocError } from '../errors.js';
import type { MemberFields } from '../services/members.js';
import { parseCount, parseDate } from '../services/field-text.js';
import { orNone } from './input.js';

/** The field flags of `member add` and `member set`, as yargs hands them over. */
export interface FieldFlags {
  plan?: string | undefined;
  ipv4?: string | undefined;
  ipv6Prefix?: string | undefined;
  maxSessions?: string | undefined;
  paidUntil?: string | undefined;
  line?: string | undefined;
}

export const PASSWORD_OPTIONS = {
  password: { type: 'string', describe: 'the password (visible to other local users while the command runs: prefer --password-stdin)' },
  'password-stdin': { type: 'boolean', default: false, describe: 'read the password from the first line of stdin' },
  auth: {
    type: 'string',
    describe: `methods the password must serve: all (${ALL_AUTH_METHODS.join(',')}) or a comma list; pap alone keeps only a strong hash [add: all; passwd: unchanged]`,
  },
} as const;

export const FIELD_OPTIONS = {
  plan: { type: 'string', describe: 'plan name (see `radassoc plan list`)' },
  ipv4: { type: 'string', describe: 'static IPv4 address (Framed-IP-Address)' },
  'ipv6-prefix': { type: 'string', describe: 'IPv6 prefix, e.g. 2001:db8:1200::/56' },
  'max-sessions': { type: 'string', describe: 'simultaneous sessions allowed (default: no limit)' },
  'paid-until': { type: 'string', describe: 'dues paid until YYYY-MM-DD' },
  line: {
    type: 'string',
    describe: "the access line the member is bound to (Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id), unique in the tenant; '' clears it",
  },
} as const;

/**
 * The fields given, as the service takes them. With `allowNone` (member
 * set), the word "none" clears a field (null); undefined means "not given".
 */
export function fieldInput(f: FieldFlags, allowNone: boolean): MemberFields {
  const read = (v: string | undefined, flag: string): string | null | undefined => {
    const r = allowNone ? orNone(v) : v;
    if (r === '') throw fail('INVALID_ARGUMENT', { problem: 'flag-needs-value', flag, clearable: allowNone });
    return r;
  };
  const fields: MemberFields = {};
  const plan = read(f.plan, 'plan');
  if (plan !== undefined) fields.plan = plan;
  const ipv4 = read(f.ipv4, 'ipv4');
  if (ipv4 !== undefined) fields.ipv4 = ipv4;
  const v6 = read(f.ipv6Prefix, 'ipv6-prefix');
  if (v6 !== undefined) fields.ipv6Prefix = v6;
  const max = read(f.maxSessions, 'max-sessions');
  if (max !== undefined) fields.maxSessions = max === null ? null : parseCount(max, '--max-sessions');
  const paid = read(f.paidUntil, 'paid-until');
  if (paid !== undefined) fields.paidUntil = paid === null ? null : parseDate(paid, '--paid-until');
  // The line alone is cleared by an empty value too (`--line ''`): a line identifier is never empty.
  if (f.line !== undefined) fields.lineId = f.line === '' || (allowNone && orNone(f.line) === null) ? null : f.line;
  return fields;
}

/** For the commands that name a member without changing it (diagnose, disconnect). */
export function unknownMember(username: string): RadassocError {
  return fail('UNKNOWN_MEMBER', { username });
}
