/**
 * FreeRADIUS 3.2 with rlm_sql on PostgreSQL, and radassoc after
 * `radassoc import freeradius --from postgres://...` of that database: the
 * same decisions, reply attributes and billing (differential-fixture.ts).
 * FreeRADIUS's database is one of its own in the suites' PostgreSQL server,
 * with the schema FreeRADIUS ships.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { freshDatabaseUrl } from '../support/database.js';
import { differentialSuite, type SqlRunner } from './differential-fixture.js';

const SCHEMA = readFileSync(new URL('../fixtures/freeradius/postgresql-schema.sql', import.meta.url), 'utf8');

/** `?` placeholders as PostgreSQL's $1, $2... */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

differentialSuite('PostgreSQL', async () => {
  const url = await freshDatabaseUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(SCHEMA);
  const db: SqlRunner = {
    async exec(sql, params = []) {
      await client.query(numbered(sql), [...params]);
    },
    async query<R>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(numbered(sql), [...params])).rows as R[];
    },
  };
  const u = new URL(url);
  return {
    db,
    url,
    // The suites' server trusts loopback: FreeRADIUS logs in as postgres without a password.
    freeradius: { dialect: 'postgresql', host: '127.0.0.1', port: Number(u.port), login: decodeURIComponent(u.username), password: '', database: u.pathname.slice(1) },
    close: () => client.end(),
  };
});
