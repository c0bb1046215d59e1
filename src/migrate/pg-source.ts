/**
 * FreeRADIUS databases on PostgreSQL (mods-config/sql/main/postgresql/schema.sql),
 * read through one `pg` connection. The schema's unquoted names fold to lower
 * case, as the row types spell them. radacct's timestamps are
 * `timestamp with time zone`: `pg` gives them as Dates already.
 */
import pg from 'pg';
import { fail } from '../errors.js';
import type { RadAcctRow } from './rlm-sql-rows.js';
import { SOURCE_TABLES, sourceWhere, type FreeRadiusSource, type RadAcctBatchOptions, type SourceTable } from './source.js';

const RADACCT_COLUMNS = [
  'radacctid', 'acctsessionid', 'acctuniqueid', 'username', 'realm', 'nasipaddress', 'nasportid', 'nasporttype',
  'acctstarttime', 'acctupdatetime', 'acctstoptime', 'acctinterval', 'acctsessiontime', 'acctauthentic',
  'connectinfo_start', 'connectinfo_stop', 'acctinputoctets', 'acctoutputoctets', 'calledstationid',
  'callingstationid', 'acctterminatecause', 'servicetype', 'framedprotocol', 'framedipaddress',
];
/** FreeRADIUS 3.0's PostgreSQL schema added these; older databases may lack them. */
const RADACCT_IPV6_COLUMNS = ['framedipv6address', 'framedipv6prefix', 'framedinterfaceid', 'delegatedipv6prefix'];

function reasonOf(e: unknown, password: string): string {
  const text = e instanceof Error ? e.message : String(e);
  return password ? text.split(password).join('***') : text;
}

export async function openPgSource(url: string): Promise<FreeRadiusSource> {
  const where = sourceWhere(url);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    throw fail('IMPORT_SOURCE', { problem: 'scheme', where });
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dropped connection fails the query that was waiting
  try {
    await client.connect();
  } catch (e) {
    throw fail('IMPORT_SOURCE', { problem: 'unreachable', where, reason: reasonOf(e, password) }, { cause: e });
  }

  const query = async <R>(table: string, sql: string, params: unknown[] = []): Promise<R[]> => {
    try {
      return (await client.query(sql, params)).rows as R[];
    } catch (e) {
      throw fail('IMPORT_SOURCE', { problem: 'query', where, table, reason: reasonOf(e, password) }, { cause: e });
    }
  };

  // Tables as FreeRADIUS finds them: through the connection's search_path.
  const present = new Set(
    (await query<{ name: string }>('pg_class', 'SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL', [SOURCE_TABLES]))
      .map((r) => r.name),
  );
  // Schemas predating a column still import: read what is there.
  const acctColumns = new Set(
    (await query<{ name: string }>('radacct', `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass('radacct') AND attnum > 0 AND NOT attisdropped`)).map((r) => r.name),
  );
  const has = (t: SourceTable) => present.has(t);
  const rowsOf = async <R>(t: SourceTable, sql: string): Promise<R[]> => (has(t) ? query<R>(t, sql) : []);
  const check = (t: 'radcheck' | 'radreply') =>
    rowsOf<{ id: number; username: string; attribute: string; op: string; value: string }>(
      t, `SELECT id, username, attribute, op, value FROM ${t} ORDER BY id`);
  const groupCheck = (t: 'radgroupcheck' | 'radgroupreply') =>
    rowsOf<{ id: number; groupname: string; attribute: string; op: string; value: string }>(
      t, `SELECT id, groupname, attribute, op, value FROM ${t} ORDER BY id`);

  const source: FreeRadiusSource = {
    where,
    caseInsensitiveUsernames: false,
    async counts() {
      const out = {} as Record<SourceTable, number | null>;
      for (const t of SOURCE_TABLES) {
        out[t] = has(t) ? Number((await query<{ n: string }>(t, `SELECT count(*) AS n FROM ${t}`))[0]!.n) : null;
      }
      return out;
    },
    nas: () =>
      rowsOf('nas', `SELECT id, nasname, shortname, type, ports, secret, server, community, description FROM nas ORDER BY id`),
    radcheck: () => check('radcheck'),
    radreply: () => check('radreply'),
    radgroupcheck: () => groupCheck('radgroupcheck'),
    radgroupreply: () => groupCheck('radgroupreply'),
    async radusergroup() {
      if (!has('radusergroup')) return [];
      const hasId = (await query<{ n: number }>('radusergroup',
        `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = to_regclass('radusergroup') AND attname = 'id' AND NOT attisdropped`))[0]!.n > 0;
      return query('radusergroup', hasId
        ? 'SELECT id, username, groupname, priority FROM radusergroup ORDER BY id'
        : 'SELECT username, groupname, priority FROM radusergroup ORDER BY username, priority');
    },
    radacct(options: RadAcctBatchOptions = {}): AsyncIterable<RadAcctRow[]> {
      const batchSize = options.batchSize ?? 5000;
      const columns = [...RADACCT_COLUMNS, ...RADACCT_IPV6_COLUMNS.filter((c) => acctColumns.has(c))]
        // inet as text: "10.0.0.1", "2001:db8::/64"
        .map((c) => (/address|prefix/.test(c) ? `${c}::text AS ${c}` : c))
        .join(', ');
      return {
        async *[Symbol.asyncIterator]() {
          if (!has('radacct')) return;
          let after = options.afterId === undefined ? '0' : String(options.afterId);
          for (;;) {
            const rows = await query<RadAcctRow>('radacct',
              `SELECT ${columns} FROM radacct WHERE radacctid > $1::bigint ORDER BY radacctid LIMIT $2`, [after, batchSize]);
            if (rows.length === 0) return;
            yield rows;
            if (rows.length < batchSize) return;
            after = String(rows[rows.length - 1]!.radacctid);
          }
        },
      };
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
  return source;
}
