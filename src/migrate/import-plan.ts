/**
 * What a FreeRADIUS deployment becomes in radassoc, decided from its rows
 * alone: members with their credential, plans from groups, NAS clients, and
 * every row or item that cannot come along, with why. Pure: the service
 * (services/freeradius-import.ts) compares this with the target and writes.
 *
 * Choices, each said in docs/migration.md:
 * - A cleartext (Cleartext-Password, {clear}) becomes radassoc's own
 *   credential for every method; an NT hash serves PAP and MS-CHAP; every
 *   other hash is kept as it is and serves PAP alone.
 * - A group becomes a plan of the same name holding its reply items. A
 *   member's plan is its first group (by priority) when what FreeRADIUS
 *   replied is that plan's items plus items of attributes the plan does not
 *   set; those extra items become the member's own reply attributes. Any
 *   other combination keeps no plan and the whole reply as the member's own.
 * - Framed-IP-Address and Framed-IPv6-Prefix of the member's own radreply
 *   become its static address and prefix.
 * - Expiration becomes paid-until, the last day before the moment
 *   FreeRADIUS refused from; a member already past it is suspended as the
 *   dues job suspends (resumed by a new paid-until).
 */
import { legacyCredentialText } from '../auth/legacy-credential-text.js';
import { methodsFor, toStoredCredential, type LegacyParse } from '../auth/legacy-hash.js';
import { isDisconnectProfile, type DisconnectProfile } from '../coa/profiles.js';
import type { AuthMethod, StoredCredential, SuspensionKind } from '../domain/member.js';
import type { PlanAttribute } from '../domain/plan.js';
import { canonicalAddress, isIPv4, parseCidr, parseIpv6Prefix } from '../net/ip.js';
import { AttributeValueError, encodeReplyAttribute } from '../protocol/index.js';
import type { FreeRadiusDate } from './freeradius-date.js';
import { foldRlmSqlRows, type MemberIntention, type NasRow, type RlmSqlRows, type RowOrigin } from './rlm-sql-rows.js';

/** Where a row came from, for the report: a table and id, or a users file's line. */
export interface Origin {
  table: string;
  /** The row's id (a users file: its line). */
  id: number | null;
  /** The member, group or NAS the row is about. */
  name: string | null;
}

export interface Loss extends Origin {
  attribute: string | null;
  /** In words; never a password's or a secret's value. */
  reason: string;
}

export interface PlannedNas {
  name: string;
  address: string;
  secret: string;
  disconnectProfile: DisconnectProfile;
  requireMessageAuthenticator: boolean;
  description: string | null;
  from: Origin;
}

export interface PlannedPlan {
  name: string;
  attributes: PlanAttribute[];
}

export interface PlannedMember {
  username: string;
  credential: StoredCredential;
  authMethods: AuthMethod[];
  /** The attribute the password came from (what the methods table shows). */
  passwordAttribute: string;
  plan: string | null;
  replyAttributes: PlanAttribute[];
  ipv4: string | null;
  ipv6Prefix: string | null;
  maxSessions: number | null;
  paidUntil: string | null;
  suspension: { kind: SuspensionKind; reason: string } | null;
}

export interface ImportPlan {
  nas: PlannedNas[];
  plans: PlannedPlan[];
  members: PlannedMember[];
  /** What would not come along, or not as it worked in FreeRADIUS. */
  losses: Loss[];
  /** What the operator should know, that loses nothing. */
  notes: string[];
}

export interface PlanOptions {
  /** Today, for Expiration already past. */
  now: Date;
  caseInsensitiveUsernames?: boolean;
  /** How the report names a row's origin (a users file says "line"). */
  origin?: (o: RowOrigin, name: string | null) => Origin;
}

/** Suspensions the import makes start with this, so a later run knows its own from an admin's. */
export const IMPORT_SUSPENSION_PREFIX = 'FreeRADIUS: ';

const defaultOrigin = (o: RowOrigin, name: string | null): Origin => ({ table: o.table, id: o.id, name: o.group ?? name });

/** Why a reply item cannot be sent as written, or null when the dictionaries encode it. */
export function replyItemProblem(attribute: string, value: string): string | null {
  if (/%\{/.test(value)) return `${attribute} holds a %{...} expansion FreeRADIUS made per request; radassoc sends values as written, so it is not imported`;
  try {
    encodeReplyAttribute(attribute, value);
    return null;
  } catch (e) {
    if (e instanceof AttributeValueError) {
      return e.code === 'unknown-attribute'
        ? `${attribute} is not in radassoc's dictionaries: not imported`
        : `${attribute}: ${e.message}: not imported`;
    }
    throw e;
  }
}

// ---- NAS.

/** FreeRADIUS's nas.type (checkrad's names, daloRADIUS's list) to the disconnect profile of that vendor. */
export function profileForType(type: string | null): DisconnectProfile | null {
  const t = (type ?? '').trim().toLowerCase();
  if (t.includes('mikrotik') || t.includes('routeros')) return 'mikrotik';
  if (t.includes('cisco')) return 'cisco';
  if (t.includes('juniper') || t.includes('junos')) return 'juniper';
  if (t.includes('accel')) return 'accel-ppp';
  const p = t === '' || t === 'other' ? 'generic' : t;
  return isDisconnectProfile(p) ? p : null;
}

const NAS_NAME = /^[^\u0000-\u001f\u007f]+$/;

export function planNas(rows: readonly NasRow[], losses: Loss[], notes: string[]): PlannedNas[] {
  const out: PlannedNas[] = [];
  const names = new Map<string, number>();
  for (const r of rows) {
    const from: Origin = { table: 'nas', id: r.id, name: r.shortname || r.nasname };
    const lose = (reason: string) => losses.push({ ...from, attribute: null, reason });
    const cidr = parseCidr(r.nasname);
    if (!cidr.ok) {
      lose(/^[A-Za-z0-9.-]+$/.test(r.nasname.trim())
        ? `nasname ${r.nasname} is a host name; radassoc knows a NAS by its address or block: add it with \`radassoc nas add ${from.name} --ip ADDRESS\``
        : `nasname ${r.nasname} is neither an address nor a block: ${cidr.reason}`);
      continue;
    }
    if (r.secret === '') {
      lose('the NAS has no secret');
      continue;
    }
    const name = (r.shortname ?? '').trim() || r.nasname.trim();
    if (!NAS_NAME.test(name)) {
      lose('the NAS name holds control characters');
      continue;
    }
    const seen = names.get(name);
    if (seen !== undefined) {
      lose(`NAS name ${name} is also that of nas row ${seen}: not imported`);
      continue;
    }
    const clash = out.find((n) => blocksOverlap(n.address, cidr.value.text));
    if (clash) {
      lose(`its address ${cidr.value.text} overlaps NAS ${clash.name} (${clash.address}); radassoc needs one NAS per source address`);
      continue;
    }
    names.set(name, r.id);
    let profile = profileForType(r.type);
    if (profile === null) {
      notes.push(`NAS ${name}: type "${r.type}" names no vendor radassoc has a disconnect profile for; it gets the generic profile`);
      profile = 'generic';
    }
    const ma = (r.require_ma ?? '').trim().toLowerCase();
    out.push({
      name,
      address: cidr.value.text,
      secret: r.secret,
      disconnectProfile: profile,
      // BlastRADIUS: radassoc requires Message-Authenticator unless FreeRADIUS was told this NAS does not send it.
      requireMessageAuthenticator: ma !== 'no',
      description: r.description,
      from,
    });
  }
  if (out.some((n) => n.requireMessageAuthenticator)) {
    notes.push('imported NAS require Message-Authenticator in Access-Request (BlastRADIUS, radassoc\'s default); for one that does not send it: `radassoc nas set NAME --require-message-authenticator false`');
  }
  return out;
}

/** Whether two canonical blocks share an address. */
export function blocksOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (!pa.ok || !pb.ok || pa.value.family !== pb.value.family) return false;
  const len = Math.min(pa.value.prefixLength, pb.value.prefixLength);
  const x = pa.value.bytes;
  const y = pb.value.bytes;
  for (let bit = 0; bit < len; bit++) {
    const i = bit >> 3;
    const m = 0x80 >> (bit & 7);
    if ((x[i]! & m) !== (y[i]! & m)) return false;
  }
  return true;
}

// ---- Plans from groups.

/** The one key of a reported row, so a group's row reaching many members is said once. */
export const lossKey = (l: Omit<Loss, 'reason'> & { reason: string }): string =>
  `${l.table}\u0000${l.id}\u0000${l.name}\u0000${l.attribute}\u0000${l.reason}`;

function planGroups(rows: RlmSqlRows, losses: Loss[], origin: NonNullable<PlanOptions['origin']>, reported: Set<string>): Map<string, PlannedPlan> {
  const plans = new Map<string, PlannedPlan>();
  const names = new Set<string>([
    ...rows.radusergroup.map((r) => r.groupname),
    ...rows.radgroupreply.map((r) => r.groupname),
    ...rows.radgroupcheck.map((r) => r.groupname),
  ]);
  for (const name of [...names].sort()) {
    if (name === '' || !NAS_NAME.test(name)) continue;
    plans.set(name, { name, attributes: [] });
  }
  const byId = [...rows.radgroupreply].sort((a, b) => a.id - b.id);
  for (const r of byId) {
    const plan = plans.get(r.groupname);
    const attribute = r.attribute.trim();
    const from = origin({ table: 'radgroupreply', id: r.id, group: r.groupname }, r.groupname);
    if (attribute.toLowerCase() === 'fall-through') continue;
    if (plan === undefined) {
      losses.push({ ...from, attribute, reason: `group name ${JSON.stringify(r.groupname)} cannot be a plan name` });
      continue;
    }
    const op = r.op.trim();
    if (op !== ':=' && op !== '=' && op !== '+=') continue; // the fold reports these for each member they reach
    const problem = replyItemProblem(attribute, r.value);
    if (problem !== null) {
      const loss = { ...from, attribute, reason: problem };
      reported.add(lossKey(loss));
      losses.push(loss);
      continue;
    }
    plan.attributes.push({ name: attribute, value: r.value.trim() });
  }
  return plans;
}

// ---- Members.

const keyOf = (a: PlanAttribute): string => `${a.name.toLowerCase()}\u0000${a.value}`;
const nameOf = (a: PlanAttribute): string => a.name.toLowerCase();

/**
 * A plan and the member's own attributes that together send what
 * FreeRADIUS replied: the plan's items all there, the rest of attributes the
 * plan does not set. Null when they cannot.
 */
export function splitOverPlan(reply: readonly PlanAttribute[], plan: PlannedPlan): PlanAttribute[] | null {
  const remaining = [...reply];
  for (const item of plan.attributes) {
    const at = remaining.findIndex((r) => keyOf(r) === keyOf(item));
    if (at < 0) return null;
    remaining.splice(at, 1);
  }
  const planNames = new Set(plan.attributes.map(nameOf));
  return remaining.some((r) => planNames.has(nameOf(r))) ? null : remaining;
}

/** The YYYY-MM-DD of the last day before `d`, and whether that day is before `today`. */
function paidUntilOf(d: FreeRadiusDate, now: Date): { paidUntil: string; lapsed: boolean } {
  let day: string;
  let midnight: boolean;
  if (d.utc !== null) {
    const iso = d.utc.toISOString();
    day = iso.slice(0, 10);
    midnight = iso.slice(11, 19) === '00:00:00';
  } else {
    day = d.local.slice(0, 10);
    midnight = d.local.slice(11) === '00:00:00';
  }
  // Refused from midnight on: the day before was the last one served.
  if (midnight) day = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return { paidUntil: day, lapsed: day < now.toISOString().slice(0, 10) };
}

function credentialOf(p: LegacyParse): { credential: StoredCredential; methods: AuthMethod[] } | null {
  if (!p.ok) return null;
  const own = toStoredCredential(p.credential);
  if (own !== null) return own;
  const legacyHash = legacyCredentialText(p.credential);
  if (legacyHash === null) return null;
  return { credential: { cleartext: null, ntHash: null, strongHash: null, legacyHash }, methods: methodsFor(p.credential) };
}

/** Problems of the fold that lose nothing: said as notes. */
const INFORMATIONAL = [/:= replaces the member's own/, /were one user for a database that matches names without case/];

function planMember(
  m: MemberIntention,
  plans: Map<string, PlannedPlan>,
  opts: PlanOptions,
  origin: NonNullable<PlanOptions['origin']>,
  losses: Loss[],
  notes: string[],
  reported: Set<string>,
): PlannedMember | null {
  const lose = (o: RowOrigin | null, attribute: string | null, reason: string) => {
    const from = o === null ? { table: 'radcheck', id: null, name: m.username } : origin(o, m.username);
    const loss = { ...from, attribute, reason };
    // A group's row reaches every member of the group: said once.
    if (reported.has(lossKey(loss))) return;
    reported.add(lossKey(loss));
    losses.push(loss);
  };
  for (const p of m.problems) {
    if (/holds a %\{\.\.\.\} expansion/.test(p.message)) continue; // said below, with the item
    if (INFORMATIONAL.some((re) => re.test(p.message))) {
      notes.push(`${m.username}: ${p.message}`);
      continue;
    }
    lose(p, p.attribute, p.message);
  }
  const userOrigin = m.passwordFrom;
  if (m.password === null) {
    lose(null, null, 'no password row (Cleartext-Password, NT-Password, a hash...): FreeRADIUS could not have authenticated this user by password; not imported');
    return null;
  }
  if (!m.password.ok) {
    lose(userOrigin, m.password.attribute, `${m.password.reason}; the member is not imported`);
    return null;
  }
  const cred = credentialOf(m.password);
  if (cred === null) {
    lose(userOrigin, m.password.attribute, 'this password form cannot be kept; the member is not imported');
    return null;
  }
  for (const w of m.password.warnings) notes.push(`${m.username}: ${w}`);

  let ipv4: string | null = null;
  let ipv6Prefix: string | null = null;
  const reply: PlanAttribute[] = [];
  for (const r of m.reply) {
    const own = r.from.group === null;
    const key = r.attribute.toLowerCase();
    const value = r.value.trim();
    if (own && key === 'framed-ip-address' && ipv4 === null && isIPv4(value) && !/^255\.255\.255\.25[45]$/.test(value)) {
      ipv4 = canonicalAddress(value);
      continue;
    }
    if (own && key === 'framed-ipv6-prefix' && ipv6Prefix === null && parseIpv6Prefix(value).ok) {
      const p = parseIpv6Prefix(value);
      if (p.ok) ipv6Prefix = p.value.text;
      continue;
    }
    const problem = replyItemProblem(r.attribute, r.value);
    if (problem !== null) {
      lose(r.from, r.attribute, problem);
      continue;
    }
    reply.push({ name: r.attribute.trim(), value });
  }

  let plan: string | null = null;
  let own = reply;
  const first = m.groups[0];
  const candidate = first === undefined ? undefined : plans.get(first);
  if (candidate !== undefined) {
    const extra = splitOverPlan(reply, candidate);
    if (extra !== null) {
      plan = candidate.name;
      own = extra;
      if (extra.length > 0 && m.groups.length > 1) {
        notes.push(`${m.username}: groups ${m.groups.join(', ')} applied together; plan ${plan} and ${extra.length} reply attribute(s) of the member's own send the same`);
      }
    } else if (reply.length > 0 || candidate.attributes.length > 0) {
      notes.push(`${m.username}: what FreeRADIUS replied (groups ${m.groups.join(', ')} and the member's own items) maps onto no one plan; the member gets no plan and those ${reply.length} reply attribute(s) as its own`);
    }
  }

  let paidUntil: string | null = null;
  let suspension: PlannedMember['suspension'] = null;
  if (m.expiration !== null) {
    const e = paidUntilOf(m.expiration, opts.now);
    paidUntil = e.paidUntil;
    if (e.lapsed) suspension = { kind: 'dues', reason: `${IMPORT_SUSPENSION_PREFIX}Expiration passed (paid until ${e.paidUntil})` };
  }
  let maxSessions = m.maxSessions;
  if (maxSessions === 0) {
    maxSessions = null;
    suspension = { kind: 'manual', reason: `${IMPORT_SUSPENSION_PREFIX}Simultaneous-Use 0 refused every login` };
  }
  if (m.suspended) suspension = { kind: 'manual', reason: `${IMPORT_SUSPENSION_PREFIX}Auth-Type := Reject` };
  return {
    username: m.username,
    credential: cred.credential,
    authMethods: cred.methods,
    passwordAttribute: m.password.attribute,
    plan,
    replyAttributes: own,
    ipv4,
    ipv6Prefix,
    maxSessions,
    paidUntil,
    suspension,
  };
}

const USERNAME_OK = (u: string): boolean => u.length > 0 && u.length <= 253 && !/[\u0000-\u001f\u007f]/.test(u);

/** Members, plans and NAS clients from the rows of rlm_sql's tables. */
export function planImport(nasRows: readonly NasRow[], rows: RlmSqlRows, opts: PlanOptions): ImportPlan {
  const losses: Loss[] = [];
  const notes: string[] = [];
  const origin = opts.origin ?? defaultOrigin;
  const nas = planNas(nasRows, losses, notes);
  const reported = new Set<string>();
  const plans = planGroups(rows, losses, origin, reported);
  const members: PlannedMember[] = [];
  const ips = new Map<string, string>();
  for (const m of foldRlmSqlRows(rows, { caseInsensitiveUsernames: opts.caseInsensitiveUsernames ?? false })) {
    if (!USERNAME_OK(m.username)) {
      losses.push({ table: 'radcheck', id: null, name: m.username, attribute: null, reason: 'the user name is empty, longer than 253 octets or holds control characters: not imported' });
      continue;
    }
    const p = planMember(m, plans, opts, origin, losses, notes, reported);
    if (p === null) continue;
    if (p.ipv4 !== null) {
      const holder = ips.get(p.ipv4);
      if (holder !== undefined) {
        losses.push({ table: 'radreply', id: null, name: p.username, attribute: 'Framed-IP-Address', reason: `address ${p.ipv4} is also ${holder}'s; radassoc gives a static address to one member: not imported for ${p.username}` });
        p.ipv4 = null;
      } else {
        ips.set(p.ipv4, p.username);
      }
    }
    members.push(p);
  }
  return { nas, plans: [...plans.values()], members, losses, notes };
}

