/**
 * FreeRADIUS 3.2 with rlm_sql on MariaDB, and radassoc after
 * `radassoc import freeradius --from mysql://...` of that database: the same
 * decisions, reply attributes and billing (differential-fixture.ts). The
 * suite's own mariadbd runs with TZ=UTC (test/support/mariadb.ts), where
 * FreeRADIUS writes radacct's DATETIMEs.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { startMariaDb } from '../support/mariadb.js';
import { differentialSuite, type SqlRunner } from './differential-fixture.js';

const SCHEMA = readFileSync(new URL('../fixtures/freeradius/mysql-schema.sql', import.meta.url), 'utf8');
const PASSWORD = 'freeradius-db-pass';

differentialSuite('MariaDB', async () => {
  const server = await startMariaDb();
  const { url } = await server.createDatabase('radius', 'radius', PASSWORD);
  await server.admin(`USE radius; ${SCHEMA}`);
  // Dates as UTC wall clock, the server's zone, whatever this process's TZ.
  const conn = await mysql.createConnection({ uri: url, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
  const db: SqlRunner = {
    async exec(sql, params = []) {
      await conn.query(sql, [...params]);
    },
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const [rows] = await conn.query(sql, [...params]);
      return rows as R[];
    },
  };
  return {
    db,
    url,
    freeradius: { dialect: 'mysql', host: '127.0.0.1', port: server.port, login: 'radius', password: PASSWORD, database: 'radius' },
    async close() {
      await conn.end();
      await server.destroy();
    },
  };
});
