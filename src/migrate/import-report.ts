/**
 * The report of an import from FreeRADIUS, as `--json` prints it: counts per
 * table, what changed, every row or item that did not come along and why,
 * and which methods each member can still use. Never a password or secret.
 */
import type { AuthMethod } from '../domain/member.js';
import type { Loss, PlannedMember } from './import-plan.js';

export interface TableCount {
  /** Rows in the source; null: the source has no such table. */
  rows: number | null;
  /** Rows the report names as not imported (not_imported below). */
  not_imported: number;
}

export interface ObjectCounts {
  new: number;
  changed: number;
  unchanged: number;
}

export interface SessionCounts {
  /** Finished rows read, of which `new` were added and `already` there from an earlier run. */
  finished: number;
  new: number;
  already: number;
  /** Rows without a stop time: FreeRADIUS's live sessions, not imported. */
  open: number;
  /** Finished rows that could not be kept (named in not_imported). */
  refused: number;
}

export interface Change {
  kind: 'member' | 'plan' | 'nas';
  name: string;
  change: 'new' | 'changed';
  /** What changed ("password", "plan", "secret"...); never a value. */
  fields: string[];
}

export interface MethodsRow {
  username: string;
  /** The stored form it came from (Cleartext-Password, SSHA-Password...). */
  password: string;
  pap: boolean;
  chap: boolean;
  mschapv2: boolean;
}

export interface ImportReport {
  /** Scheme, host, port and database, or the users file's name. */
  source: string;
  tenant: string;
  dry_run: boolean;
  tables: Record<string, TableCount>;
  members: ObjectCounts;
  plans: ObjectCounts;
  nas: ObjectCounts;
  sessions: SessionCounts;
  changes: Change[];
  not_imported: Loss[];
  /** The not_imported entries about an attribute radassoc's dictionaries do not know. */
  unknown_attributes: Loss[];
  methods: MethodsRow[];
  /** Members whose stored password serves PAP alone: a NAS that does CHAP or MS-CHAP will reject them. */
  pap_only: string[];
  notes: string[];
  /** Nothing in not_imported: every row came along as it worked. */
  lossless: boolean;
}

/** The words replyItemProblem uses for an attribute the dictionaries lack. */
export const UNKNOWN_ATTRIBUTE = /is not in radassoc's dictionaries/;

const has = (m: readonly AuthMethod[], x: AuthMethod): boolean => m.includes(x);

export function methodsTable(members: readonly PlannedMember[]): { methods: MethodsRow[]; papOnly: string[] } {
  const methods = members.map((m) => ({
    username: m.username,
    password: m.passwordAttribute,
    pap: has(m.authMethods, 'pap'),
    chap: has(m.authMethods, 'chap'),
    mschapv2: has(m.authMethods, 'mschapv2'),
  }));
  return { methods, papOnly: methods.filter((r) => r.pap && !r.chap && !r.mschapv2).map((r) => r.username) };
}

/** Distinct rows of each table that the losses name. */
export function lossesPerTable(losses: readonly Loss[]): Map<string, number> {
  const seen = new Map<string, Set<string>>();
  for (const l of losses) {
    let s = seen.get(l.table);
    if (s === undefined) seen.set(l.table, (s = new Set()));
    s.add(l.id === null ? `name:${l.name}` : `id:${l.id}`);
  }
  return new Map([...seen].map(([t, s]) => [t, s.size]));
}
