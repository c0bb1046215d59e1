/**
 * FreeRADIUS databases on MySQL or MariaDB (mods-config/sql/main/mysql/schema.sql),
 * read through one mysql2 connection.
 *
 * Types, as the row types want them:
 * - BIGINT columns (radacctid, the octet counts) come back as text, exact
 *   past 2^53 (supportBigNumbers + bigNumberStrings).
 * - radacct's DATETIME columns hold wall-clock time with no zone: FreeRADIUS
 *   wrote them with FROM_UNIXTIME()/NOW(), which use the connection's
 *   time_zone, by default the server's (SYSTEM). They are read back through
 *   UNIX_TIMESTAMP() in the same time_zone, which undoes that conversion on
 *   the server, daylight saving included, so mysql2 never interprets a
 *   DATETIME (its `timezone` option only knows one fixed offset, wrong for
 *   half the year in most zones). `?timezone=` in the URL sets the time_zone
 *   to read in when FreeRADIUS's connections wrote in another one (an
 *   init_command, a server whose default changed since): SYSTEM, an offset
 *   such as +01:00, or a zone name (which needs the server's time zone
 *   tables, mariadb-tzinfo-to-sql). An hour repeated when clocks go back is
 *   read as its first occurrence: a DATETIME cannot tell them apart. The
 *   zero date of old schemas ("0000-00-00 00:00:00") reads as no time.
 * - The schema's NOT NULL DEFAULT '' columns (username, framedipaddress,
 *   acctterminatecause...) read as null where they hold '', the absence
 *   FreeRADIUS writes as NULL on PostgreSQL, so both sources give the same rows.
 */
import mysql from 'mysql2/promise';
import { fail } from '../errors.js';
import type { NasRow, RadAcctRow, RadUserGroupRow } from './rlm-sql-rows.js';
import { SOURCE_TABLES, sourceWhere, type FreeRadiusSource, type RadAcctBatchOptions, type SourceTable } from './source.js';

const RADACCT_TEXT_COLUMNS = [
  'acctsessionid', 'acctuniqueid', 'username', 'realm', 'nasipaddress', 'nasportid', 'nasporttype', 'acctauthentic',
  'connectinfo_start', 'connectinfo_stop', 'calledstationid', 'callingstationid', 'acctterminatecause', 'servicetype',
  'framedprotocol', 'framedipaddress',
];
const RADACCT_NUMBER_COLUMNS = ['radacctid', 'acctinterval', 'acctsessiontime', 'acctinputoctets', 'acctoutputoctets'];
const RADACCT_TIME_COLUMNS = ['acctstarttime', 'acctupdatetime', 'acctstoptime'] as const;
/** Columns some versions of the schema lack (groupname was in the older ones, the IPv6 ones came with 3.0). */
const RADACCT_OPTIONAL_COLUMNS = ['groupname', 'framedipv6address', 'framedipv6prefix', 'framedinterfaceid', 'delegatedipv6prefix'];
/** Never '' turned into null: the row types require them. */
const RADACCT_REQUIRED = new Set(['acctsessionid', 'acctuniqueid', 'nasipaddress']);
const NAS_OPTIONAL_COLUMNS = ['require_ma', 'limit_proxy_state'];

/** What the URL asks for, checked before connecting. */
interface MysqlTarget {
  options: mysql.ConnectionOptions;
  password: string;
  timeZone: string | null;
}

function parseUrl(url: string, where: string): MysqlTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw fail('IMPORT_SOURCE', { problem: 'scheme', where });
  }
  let timeZone: string | null = null;
  for (const [key, value] of u.searchParams) {
    if (key !== 'timezone') throw fail('IMPORT_SOURCE', { problem: 'option', where, option: key, reason: 'is not a parameter radassoc reads' });
    if (!/^(SYSTEM|[+-][0-9]{1,2}:[0-9]{2}|[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*)$/.test(value)) {
      throw fail('IMPORT_SOURCE', { problem: 'option', where, option: key, reason: `"${value}" is not a time zone` });
    }
    timeZone = value;
  }
  const password = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    password,
    timeZone,
    options: {
      host: u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
      port: u.port === '' ? 3306 : Number(u.port),
      user: decodeURIComponent(u.username),
      password,
      ...(database !== '' ? { database } : {}),
      charset: 'utf8mb4',
      connectTimeout: 10_000,
      supportBigNumbers: true,
      bigNumberStrings: true,
    },
  };
}

function reasonOf(e: unknown, password: string): string {
  const text = e instanceof Error ? e.message : String(e);
  return password ? text.split(password).join('***') : text;
}

/** UNIX_TIMESTAMP() text or number → an instant; 0 is the zero date's answer. */
function instant(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const seconds = Number(v);
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  return new Date(Math.round(seconds * 1000));
}

const orNull = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

export async function openMysqlSource(url: string): Promise<FreeRadiusSource> {
  const where = sourceWhere(url);
  const target = parseUrl(url, where);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(target.options);
  } catch (e) {
    throw fail('IMPORT_SOURCE', { problem: 'unreachable', where, reason: reasonOf(e, target.password) }, { cause: e });
  }
  conn.on('error', () => undefined); // a dropped connection fails the query that was waiting

  const query = async <R>(table: string, sql: string, params: unknown[] = []): Promise<R[]> => {
    try {
      const [rows] = await conn.query(sql, params);
      return rows as R[];
    } catch (e) {
      throw fail('IMPORT_SOURCE', { problem: 'query', where, table, reason: reasonOf(e, target.password) }, { cause: e });
    }
  };

  if (target.timeZone !== null) {
    try {
      await conn.query('SET time_zone = ?', [target.timeZone]);
    } catch (e) {
      await conn.end().catch(() => undefined);
      throw fail('IMPORT_SOURCE', { problem: 'option', where, option: 'timezone', reason: reasonOf(e, target.password) }, { cause: e });
    }
  }

  // Tables and columns of the database the URL names, as FreeRADIUS's sql module sees them.
  const columns = await query<{ t: string; c: string; collation: string | null }>('information_schema',
    `SELECT LOWER(TABLE_NAME) AS t, LOWER(COLUMN_NAME) AS c, COLLATION_NAME AS collation FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (?)`, [SOURCE_TABLES])
    .catch(async (e: unknown) => {
      await conn.end().catch(() => undefined);
      throw e;
    });
  const present = new Set(columns.map((r) => r.t));
  const hasColumn = (t: SourceTable, c: string) => columns.some((r) => r.t === t && r.c === c);
  const has = (t: SourceTable) => present.has(t);
  // MySQL compares with the column's collation: a _ci one (the default) found "Alice" under "alice".
  const usernameCollation = columns.find((r) => r.t === 'radcheck' && r.c === 'username')?.collation ?? '';

  const rowsOf = async <R>(t: SourceTable, sql: string): Promise<R[]> => (has(t) ? query<R>(t, sql) : []);
  const check = (t: 'radcheck' | 'radreply') =>
    rowsOf<{ id: number; username: string; attribute: string; op: string; value: string }>(
      t, `SELECT id, username, attribute, op, value FROM ${t} ORDER BY id`);
  const groupCheck = (t: 'radgroupcheck' | 'radgroupreply') =>
    rowsOf<{ id: number; groupname: string; attribute: string; op: string; value: string }>(
      t, `SELECT id, groupname, attribute, op, value FROM ${t} ORDER BY id`);

  const acctOptional = RADACCT_OPTIONAL_COLUMNS.filter((c) => hasColumn('radacct', c));
  const acctSelect = [
    ...RADACCT_NUMBER_COLUMNS,
    ...RADACCT_TEXT_COLUMNS,
    ...acctOptional,
    ...RADACCT_TIME_COLUMNS.map((c) => `UNIX_TIMESTAMP(${c}) AS ${c}`),
  ].join(', ');
  const toAcctRow = (r: Record<string, unknown>): RadAcctRow => {
    const row: Record<string, unknown> = {};
    for (const c of [...RADACCT_TEXT_COLUMNS, ...acctOptional]) row[c] = RADACCT_REQUIRED.has(c) ? String(r[c] ?? '') : orNull(r[c]);
    for (const c of RADACCT_NUMBER_COLUMNS) row[c] = r[c] === null || r[c] === undefined ? null : (r[c] as string | number);
    for (const c of RADACCT_TIME_COLUMNS) row[c] = instant(r[c]);
    return row as unknown as RadAcctRow;
  };

  const source: FreeRadiusSource = {
    where,
    caseInsensitiveUsernames: /_ci$/i.test(usernameCollation),
    async counts() {
      const out = {} as Record<SourceTable, number | null>;
      for (const t of SOURCE_TABLES) {
        out[t] = has(t) ? Number((await query<{ n: string | number }>(t, `SELECT COUNT(*) AS n FROM ${t}`))[0]!.n) : null;
      }
      return out;
    },
    nas: () => {
      const extra = NAS_OPTIONAL_COLUMNS.filter((c) => hasColumn('nas', c)).map((c) => `, ${c}`).join('');
      return rowsOf<NasRow>('nas', `SELECT id, nasname, shortname, type, ports, secret, server, community, description${extra} FROM nas ORDER BY id`);
    },
    radcheck: () => check('radcheck'),
    radreply: () => check('radreply'),
    radgroupcheck: () => groupCheck('radgroupcheck'),
    radgroupreply: () => groupCheck('radgroupreply'),
    radusergroup: () =>
      rowsOf<RadUserGroupRow>('radusergroup', hasColumn('radusergroup', 'id')
        ? 'SELECT id, username, groupname, priority FROM radusergroup ORDER BY id'
        : 'SELECT username, groupname, priority FROM radusergroup ORDER BY username, priority'),
    radacct(options: RadAcctBatchOptions = {}): AsyncIterable<RadAcctRow[]> {
      const batchSize = options.batchSize ?? 5000;
      return {
        async *[Symbol.asyncIterator]() {
          if (!has('radacct')) return;
          let after = options.afterId === undefined ? '0' : String(options.afterId);
          for (;;) {
            // The id as an exact integer: compared with a string, MySQL would compare doubles.
            const rows = await query<Record<string, unknown>>('radacct',
              `SELECT ${acctSelect} FROM radacct WHERE radacctid > CAST(? AS UNSIGNED) ORDER BY radacctid LIMIT ?`, [after, batchSize]);
            if (rows.length === 0) return;
            yield rows.map(toAcctRow);
            if (rows.length < batchSize) return;
            after = String(rows[rows.length - 1]!.radacctid);
          }
        },
      };
    },
    async close() {
      await conn.end().catch(() => undefined);
    },
  };
  return source;
}
