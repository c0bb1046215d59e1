/**
 * A tiny pg.Pool Db for the PostgreSQL fault tests. src/db/postgres.ts does
 * not (yet) listen for 'error' on a client checked out for a transaction, so
 * a server dying mid-transaction is an uncaught exception there (reported to
 * its owner); this one handles it, so the tests see what the flusher does.
 */
import pg from 'pg';
import type { Db, Queryable, QueryResult } from '../../src/db/db.js';

function wrap(c: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const out: pg.QueryResult | pg.QueryResult[] = await c.query(sql, params ? [...params] : undefined);
      const r = Array.isArray(out) ? out[out.length - 1] : out; // a multi-statement script answers per statement
      return { rows: (r?.rows ?? []) as R[], rowCount: r?.rowCount ?? r?.rows.length ?? 0 };
    },
  };
}

export function tinyPostgresDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    query: wrap(pool).query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const onError = (): void => undefined;
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        client.release();
        return out;
      } catch (e) {
        await client.query('ROLLBACK').then(() => client.release(), (err: Error) => client.release(err));
        throw e;
      } finally {
        client.off('error', onError);
      }
    },
    async listen() {
      return async () => undefined;
    },
    close: () => pool.end(),
  };
}
