/**
 * A FreeRADIUS rlm_sql database on the test PostgreSQL: a fresh database
 * with FreeRADIUS 3.2's own schema (test/fixtures/freeradius), and helpers
 * to fill it the way FreeRADIUS and daloRADIUS write it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshDatabaseUrl } from '../support/database.js';

const SCHEMA = readFileSync(fileURLToPath(new URL('../fixtures/freeradius/postgresql-schema.sql', import.meta.url)), 'utf8');

export interface FreeRadiusDb {
  url: string;
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  check(username: string, attribute: string, op: string, value: string): Promise<void>;
  reply(username: string, attribute: string, op: string, value: string): Promise<void>;
  groupCheck(group: string, attribute: string, op: string, value: string): Promise<void>;
  groupReply(group: string, attribute: string, op: string, value: string): Promise<void>;
  userGroup(username: string, group: string, priority: number): Promise<void>;
  close(): Promise<void>;
}

export async function freeRadiusDb(): Promise<FreeRadiusDb> {
  const url = await freshDatabaseUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(SCHEMA);
  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> => (await client.query(text, params)).rows as R[];
  const row = (table: string, key: string) => async (name: string, attribute: string, op: string, value: string) => {
    await sql(`INSERT INTO ${table} (${key}, attribute, op, value) VALUES ($1, $2, $3, $4)`, [name, attribute, op, value]);
  };
  return {
    url,
    sql,
    check: row('radcheck', 'username'),
    reply: row('radreply', 'username'),
    groupCheck: row('radgroupcheck', 'groupname'),
    groupReply: row('radgroupreply', 'groupname'),
    async userGroup(username, group, priority) {
      await sql('INSERT INTO radusergroup (username, groupname, priority) VALUES ($1, $2, $3)', [username, group, priority]);
    },
    close: () => client.end(),
  };
}

export interface AcctRow {
  uniqueId: string;
  sessionId: string;
  username: string;
  nas: string;
  start: string;
  stop: string | null;
  seconds: number;
  input: bigint;
  output: bigint;
  cause?: string;
  framedIp?: string;
}

/** A radacct row as FreeRADIUS's accounting queries leave it (octets with Gigawords folded in). */
export async function addAcct(db: FreeRadiusDb, r: AcctRow): Promise<void> {
  await db.sql(
    `INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
       acctsessiontime, acctinputoctets, acctoutputoctets, acctterminatecause, framedipaddress, nasportid, callingstationid)
     VALUES ($1, $2, $3, $4, $5::timestamptz, COALESCE($6::timestamptz, $5::timestamptz), $6::timestamptz, $7, $8, $9, $10, $11::inet, 'ppp0', '02:00:00:00:00:01')`,
    [r.sessionId, r.uniqueId, r.username, r.nas, r.start, r.stop, r.seconds, r.input.toString(), r.output.toString(), r.cause ?? (r.stop ? 'User-Request' : ''), r.framedIp ?? null],
  );
}
