/**
 * FreeRADIUS 3.x rlm_sql tables as their standard schema.sql creates them
 * (mods-config/sql/main/postgresql and mysql; column names as both
 * databases return them, in lower case), and the fold of a user's rows into
 * what radassoc should keep of that user.
 *
 * The fold follows rlm_sql's authorize: the user's radcheck rows, then (when
 * there were any) the user's radreply rows; then, unless the user's reply
 * said Fall-Through = No, the user's groups by ascending priority, each
 * group's radgroupcheck then radgroupreply rows, going on to the next group
 * only when a group's reply says Fall-Through = Yes (or its check items did
 * not apply). Assignments merge as FreeRADIUS's pair move does: ":=" replaces
 * the first earlier item of that attribute, "=" adds only when there is
 * none, "+=" appends, "-=" removes an equal one. So a member's own "=" items
 * stand over a group's "=" items, and a group's ":=" replaces them, as it did.
 *
 * Pure: rows in, intentions out; no database.
 */
import { parseLegacyPassword, passwordAttribute, type LegacyParse } from '../auth/legacy-hash.js';
import { ASSIGNMENT_OPERATORS, isOperator } from './attribute-items.js';
import { parseFreeRadiusDate, type FreeRadiusDate } from './freeradius-date.js';

/** bigint columns: node-postgres returns text, mysql2 a number or text. */
export type BigintColumn = string | number | bigint;
/** timestamp columns: a Date from either driver, or text when read raw. */
export type TimeColumn = Date | string;

export interface NasRow {
  id: number;
  nasname: string;
  shortname: string | null;
  type: string | null;
  ports: number | null;
  secret: string;
  server: string | null;
  community: string | null;
  description: string | null;
  /** FreeRADIUS 3.2's schema adds these; older ones lack them. */
  require_ma?: string | null;
  limit_proxy_state?: string | null;
}

export interface RadCheckRow {
  id: number;
  username: string;
  attribute: string;
  op: string;
  value: string;
}
export type RadReplyRow = RadCheckRow;

export interface RadGroupCheckRow {
  id: number;
  groupname: string;
  attribute: string;
  op: string;
  value: string;
}
export type RadGroupReplyRow = RadGroupCheckRow;

export interface RadUserGroupRow {
  /** PostgreSQL's schema has an id; older MySQL ones do not. */
  id?: number;
  username: string;
  groupname: string;
  priority: number;
}

export interface RadAcctRow {
  radacctid: BigintColumn;
  acctsessionid: string;
  acctuniqueid: string;
  username: string | null;
  /** MySQL's schema only. */
  groupname?: string | null;
  realm: string | null;
  nasipaddress: string;
  nasportid: string | null;
  nasporttype: string | null;
  acctstarttime: TimeColumn | null;
  acctupdatetime: TimeColumn | null;
  acctstoptime: TimeColumn | null;
  acctinterval: BigintColumn | null;
  acctsessiontime: BigintColumn | null;
  acctauthentic: string | null;
  connectinfo_start: string | null;
  connectinfo_stop: string | null;
  acctinputoctets: BigintColumn | null;
  acctoutputoctets: BigintColumn | null;
  calledstationid: string | null;
  callingstationid: string | null;
  acctterminatecause: string | null;
  servicetype: string | null;
  framedprotocol: string | null;
  framedipaddress: string | null;
  framedipv6address?: string | null;
  framedipv6prefix?: string | null;
  framedinterfaceid?: string | null;
  delegatedipv6prefix?: string | null;
}

export interface RlmSqlRows {
  radcheck: readonly RadCheckRow[];
  radreply: readonly RadReplyRow[];
  radgroupcheck: readonly RadGroupCheckRow[];
  radgroupreply: readonly RadGroupReplyRow[];
  radusergroup: readonly RadUserGroupRow[];
}

export interface FoldOptions {
  /** rlm_sql's read_groups (default yes). */
  readGroups?: boolean;
  /** MySQL's default collation matched user names without case; PostgreSQL matches them exactly (the default here). */
  caseInsensitiveUsernames?: boolean;
}

export type RowTable = 'radcheck' | 'radreply' | 'radgroupcheck' | 'radgroupreply' | 'radusergroup';

export interface RowOrigin {
  table: RowTable;
  id: number | null;
  /** For group rows. */
  group: string | null;
}

export interface FoldProblem extends RowOrigin {
  attribute: string | null;
  /** In words; never a password's value. */
  message: string;
}

export interface ReplyIntention {
  /** As written, a tag included ("Tunnel-Type:1"). */
  attribute: string;
  value: string;
  from: RowOrigin;
}

export interface MemberIntention {
  username: string;
  /** What rlm_pap would have checked: a credential or the refusal that says why not; null when no row held a password. */
  password: LegacyParse | null;
  passwordFrom: RowOrigin | null;
  /** Simultaneous-Use. */
  maxSessions: number | null;
  /** Expiration (rlm_expiration refused logins from that moment). */
  expiration: FreeRadiusDate | null;
  /** Auth-Type := Reject, the member's own or a group's. */
  suspended: boolean;
  /** Groups whose rows applied, in the order they did. */
  groups: string[];
  reply: ReplyIntention[];
  problems: FoldProblem[];
}

interface Item {
  attribute: string;
  key: string;
  op: string;
  value: string;
  from: RowOrigin;
}

const keyOf = (attribute: string): string => attribute.toLowerCase();

function toItem(row: { id?: number; attribute: string; op: string; value: string }, table: RowTable, group: string | null): Item {
  return {
    attribute: row.attribute.trim(),
    key: keyOf(row.attribute.trim()),
    op: row.op.trim(),
    value: row.value,
    from: { table, id: row.id ?? null, group },
  };
}

/**
 * FreeRADIUS's pair move of `from` into `to`: an earlier item is one that
 * was in `to` before this batch and not yet replaced by it. Returns the
 * items a ":=" replaced, for the caller to mention.
 */
function pairMove(to: Item[], from: readonly Item[], problems: FoldProblem[]): { replaced: Item; by: Item }[] {
  const before = to.length;
  const edited = new Array<boolean>(before).fill(false);
  const removed = new Set<number>();
  const replaced: { replaced: Item; by: Item }[] = [];
  const find = (key: string): number => {
    for (let j = 0; j < before; j++) if (!edited[j] && !removed.has(j) && to[j]!.key === key) return j;
    return -1;
  };
  for (const item of from) {
    switch (item.op) {
      case '+=':
        to.push(item);
        break;
      case '=':
        if (find(item.key) < 0) to.push(item);
        break;
      case ':=': {
        const j = find(item.key);
        if (j < 0) {
          to.push(item);
        } else {
          replaced.push({ replaced: to[j]!, by: item });
          to[j] = item;
          edited[j] = true;
        }
        break;
      }
      case '-=':
        for (let j = 0; j < before; j++) if (to[j]!.key === item.key && to[j]!.value === item.value) removed.add(j);
        break;
      default:
        problems.push({
          ...item.from,
          attribute: item.attribute,
          message: `operator ${item.op} on ${item.attribute} in ${item.from.table} does not set a value: not imported`,
        });
    }
  }
  if (removed.size > 0) {
    const keep = to.filter((_, j) => !removed.has(j));
    to.length = 0;
    to.push(...keep);
  }
  return replaced;
}

const where = (o: RowOrigin): string => (o.group !== null ? `group ${o.group} (${o.table})` : o.table);

/**
 * Splits check rows into assignments (merged into the user's settings) and
 * conditions (compared against each request by FreeRADIUS), reporting the
 * conditions: radassoc cannot know whether they held, and imports the rows
 * as though they did.
 */
function splitCheck(items: readonly Item[], problems: FoldProblem[]): Item[] {
  const assignments: Item[] = [];
  for (const item of items) {
    if (!isOperator(item.op)) {
      problems.push({ ...item.from, attribute: item.attribute, message: `"${item.op}" is not a FreeRADIUS operator: the row is ignored` });
    } else if (ASSIGNMENT_OPERATORS.has(item.op) || item.op === '-=') {
      assignments.push(item);
    } else if (passwordAttribute(item.attribute) !== null || item.key === 'user-password') {
      problems.push({
        ...item.from,
        attribute: item.attribute,
        message: `${item.attribute} ${item.op} compares the request instead of setting the known-good password: FreeRADIUS never used it as one (write := there)`,
      });
    } else {
      problems.push({
        ...item.from,
        attribute: item.attribute,
        message: `${where(item.from)} applied only when ${item.attribute} ${item.op} "${item.value}" held for the request; radassoc has no such condition and imports the rows as though it always held`,
      });
    }
  }
  return assignments;
}

function fallThrough(items: readonly Item[]): 'yes' | 'no' | 'default' {
  const ft = items.find((i) => i.key === 'fall-through');
  if (ft === undefined) return 'default';
  return /^(yes|1)$/i.test(ft.value.trim()) ? 'yes' : 'no';
}

interface UserRows {
  username: string;
  check: Item[];
  reply: Item[];
  groups: { name: string; priority: number; order: number }[];
}

/** Folds every user's rows into a MemberIntention, one per user name, in name order. */
export function foldRlmSqlRows(rows: RlmSqlRows, options: FoldOptions = {}): MemberIntention[] {
  const readGroups = options.readGroups ?? true;
  const norm = options.caseInsensitiveUsernames ? (u: string) => u.toLowerCase() : (u: string) => u;
  const users = new Map<string, UserRows & { spellings: Set<string> }>();
  const user = (name: string) => {
    const k = norm(name);
    let u = users.get(k);
    if (u === undefined) {
      u = { username: name, check: [], reply: [], groups: [], spellings: new Set() };
      users.set(k, u);
    }
    u.spellings.add(name);
    return u;
  };
  const byId = <T extends { id?: number }>(a: readonly T[]) => [...a].sort((x, y) => (x.id ?? 0) - (y.id ?? 0));
  for (const r of byId(rows.radcheck)) user(r.username).check.push(toItem(r, 'radcheck', null));
  for (const r of byId(rows.radreply)) user(r.username).reply.push(toItem(r, 'radreply', null));
  rows.radusergroup.forEach((r, order) => user(r.username).groups.push({ name: r.groupname, priority: r.priority, order }));

  const groupCheck = new Map<string, Item[]>();
  const groupReply = new Map<string, Item[]>();
  for (const r of byId(rows.radgroupcheck)) pushTo(groupCheck, r.groupname, toItem(r, 'radgroupcheck', r.groupname));
  for (const r of byId(rows.radgroupreply)) pushTo(groupReply, r.groupname, toItem(r, 'radgroupreply', r.groupname));

  return [...users.values()]
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
    .map((u) => {
      const intention = foldUser(u, groupCheck, groupReply, readGroups);
      if (u.spellings.size > 1) {
        intention.problems.push({
          table: 'radcheck', id: null, group: null, attribute: null,
          message: `rows under ${[...u.spellings].map((s) => `"${s}"`).join(', ')} were one user for a database that matches names without case`,
        });
      }
      return intention;
    });
}

function pushTo(map: Map<string, Item[]>, key: string, item: Item): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
}

function foldUser(u: UserRows, groupCheck: Map<string, Item[]>, groupReply: Map<string, Item[]>, readGroups: boolean): MemberIntention {
  const problems: FoldProblem[] = [];
  const control: Item[] = [];
  const reply: Item[] = [];
  const groups: string[] = [];
  const noteReplaced = (pairs: { replaced: Item; by: Item }[]) => {
    for (const { replaced, by } of pairs) {
      if (replaced.from.group === null && by.from.group !== null) {
        problems.push({
          ...by.from,
          attribute: by.attribute,
          message: `group ${by.from.group}'s ${by.attribute} := replaces the member's own ${by.attribute}, as it did in FreeRADIUS`,
        });
      }
    }
  };

  let through: 'yes' | 'no' | 'default' = 'default';
  if (u.check.length > 0) {
    pairMove(control, splitCheck(u.check, problems), problems);
    if (u.reply.length > 0) {
      through = fallThrough(u.reply);
      pairMove(reply, u.reply, problems);
    }
  }
  else if (u.reply.length > 0) {
    problems.push({
      table: 'radreply', id: u.reply[0]!.from.id, group: null, attribute: null,
      message: 'the user has radreply rows but no radcheck row: FreeRADIUS skipped these reply rows',
    });
  }
  if (through === 'yes' || (readGroups && through === 'default')) {
    const ordered = [...u.groups].sort((a, b) => a.priority - b.priority || a.order - b.order);
    for (const g of ordered) {
      const check = groupCheck.get(g.name) ?? [];
      const replies = groupReply.get(g.name) ?? [];
      if (check.length === 0 && replies.length === 0) {
        problems.push({ table: 'radusergroup', id: null, group: g.name, attribute: null, message: `group ${g.name} has no radgroupcheck or radgroupreply rows` });
      }
      noteReplaced(pairMove(control, splitCheck(check, problems), problems));
      groups.push(g.name);
      const ft = fallThrough(replies);
      noteReplaced(pairMove(reply, replies, problems));
      if (ft !== 'yes') break;
    }
  }

  const intention: MemberIntention = {
    username: u.username,
    password: null,
    passwordFrom: null,
    maxSessions: null,
    expiration: null,
    suspended: false,
    groups,
    reply: reply.filter((i) => i.key !== 'fall-through').map((i) => ({ attribute: i.attribute, value: i.value, from: i.from })),
    problems,
  };
  for (const r of intention.reply) {
    if (/%\{/.test(r.value)) {
      problems.push({ ...r.from, attribute: r.attribute, message: `${r.attribute} holds a %{...} expansion FreeRADIUS made per request; it is imported as written` });
    }
  }
  applyControl(intention, control);
  return intention;
}

/** The user's merged check items: password, limits, suspension, and what is left over. */
function applyControl(intention: MemberIntention, control: readonly Item[]): void {
  const problems = intention.problems;
  const passwords = control.filter((i) => passwordAttribute(i.attribute) !== null);
  // rlm_pap drops Password-With-Header when a Cleartext-Password is there, and appends its conversion last.
  const hasCleartext = passwords.some((i) => i.key === 'cleartext-password');
  const direct = passwords.filter((i) => i.key !== 'password-with-header');
  const headed = hasCleartext ? [] : passwords.filter((i) => i.key === 'password-with-header');
  const chosen = direct[0] ?? headed[0];
  if (chosen !== undefined) {
    intention.password = parseLegacyPassword(chosen.attribute, chosen.value);
    intention.passwordFrom = chosen.from;
    for (const other of passwords) {
      if (other === chosen) continue;
      problems.push({ ...other.from, attribute: other.attribute, message: `${other.attribute} is not used: FreeRADIUS checked ${chosen.attribute} from ${where(chosen.from)}` });
    }
  }
  for (const item of control) {
    if (passwordAttribute(item.attribute) !== null) continue;
    switch (item.key) {
      case 'user-password':
        if (chosen === undefined) {
          intention.password = parseLegacyPassword(item.attribute, item.value);
          intention.passwordFrom = item.from;
        } else {
          problems.push({ ...item.from, attribute: item.attribute, message: 'a stored User-Password is ignored by FreeRADIUS 3' });
        }
        break;
      case 'simultaneous-use': {
        const v = item.value.trim();
        if (/^[0-9]{1,9}$/.test(v)) intention.maxSessions = Number(v);
        else problems.push({ ...item.from, attribute: item.attribute, message: `Simultaneous-Use "${item.value}" is not a whole number: not imported` });
        break;
      }
      case 'expiration': {
        const d = parseFreeRadiusDate(item.value);
        if (d !== null) intention.expiration = d;
        else problems.push({ ...item.from, attribute: item.attribute, message: `Expiration "${item.value}" is not a date FreeRADIUS reads (like "Jan 01 2027 12:00:00"): not imported` });
        break;
      }
      case 'auth-type': {
        const v = item.value.trim().toLowerCase();
        if (v === 'reject') intention.suspended = true;
        else if (v === 'accept') {
          problems.push({ ...item.from, attribute: item.attribute, message: 'Auth-Type := Accept let this user in with any password; radassoc does not import that, the member is kept to its password' });
        } else {
          problems.push({ ...item.from, attribute: item.attribute, message: `Auth-Type := ${item.value}: radassoc picks the method from each request, so this is not imported` });
        }
        break;
      }
      case 'fall-through':
        break;
      default:
        problems.push({ ...item.from, attribute: item.attribute, message: `check item ${item.attribute} ${item.op} "${item.value}" from ${where(item.from)} has no radassoc equivalent: not imported` });
    }
  }
}
