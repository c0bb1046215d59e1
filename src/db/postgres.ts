/**
 * The production database: PostgreSQL through a `pg` pool. Queries use the
 * pool; a transaction holds one client from BEGIN to COMMIT/ROLLBACK; LISTEN
 * runs on its own dedicated connection that reconnects by itself.
 */
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { mapConnectionError, targetOf, type DbTarget } from './pg-errors.js';
import { ReconnectingListener, type ListenerEvent } from './pg-listener.js';

export type { ListenerEvent } from './pg-listener.js';

export interface PostgresDbOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Errors no query is waiting for (an idle pooled connection dropped, say). */
  onError?: (error: Error) => void;
  /** The LISTEN connection was lost / retried / restored: on 'reconnected', reload caches. */
  onListenerEvent?: (event: ListenerEvent) => void;
  /** How long to wait for a connection before DB_UNREACHABLE (default 5000 ms). */
  connectTimeoutMs?: number;
  /** @internal the CLI uses a pool to reach the embedded daemon over its socket (a refusal then asks whether the daemon runs). */
  kind?: Db['kind'];
}

function wrapClient(target: DbTarget, client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const res: pg.QueryResult | pg.QueryResult[] = await client.query(sql, params ? [...params] : undefined);
        // Several statements without parameters (a migration file) answer with one result each.
        const r = Array.isArray(res) ? res[res.length - 1] : res;
        if (!r) return { rows: [], rowCount: 0 };
        return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
      } catch (e) {
        throw mapConnectionError(target, e);
      }
    },
  };
}

export function createPostgresDb(url: string, opts: PostgresDbOptions = {}): Db {
  const target = targetOf(url, opts.kind === 'embedded' ? 'embedded-daemon' : 'postgres');
  const connectionTimeoutMillis = opts.connectTimeoutMs ?? 5000;
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis });
  // An idle client's error is emitted on the pool; unhandled, it would kill the process.
  pool.on('error', (e) => opts.onError?.(e));
  const poolQ = wrapClient(target, pool);

  const listener = new ReconnectingListener(
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
      client.on('error', () => undefined); // replaced by the listener's own handler once connected
      try {
        await client.connect();
      } catch (e) {
        throw mapConnectionError(target, e);
      }
      client.removeAllListeners('error');
      return client;
    },
    { onEvent: opts.onListenerEvent },
  );

  return {
    kind: opts.kind ?? 'postgres',
    query: poolQ.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw mapConnectionError(target, e);
      }
      // A checked-out client is not watched by the pool: a connection lost mid-transaction
      // would otherwise surface as an uncaught 'error' and kill the daemon. The failing
      // query rejects on its own; this listener only keeps the event from escaping.
      const onClientError = (e: Error): void => opts.onError?.(e);
      client.on('error', onClientError);
      const tx = wrapClient(target, client);
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        client.release();
        client.off('error', onClientError);
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          // The connection is broken: release(err) destroys it instead of pooling it.
          client.release(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
        }
        client.off('error', onClientError);
        throw e;
      }
    },
    listen: (channel, onNotify) => listener.listen(channel, onNotify),
    async close(): Promise<void> {
      await listener.close();
      await pool.end();
    },
  };
}
