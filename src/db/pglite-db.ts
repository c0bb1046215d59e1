/**
 * The Db seam over an in-process PGlite instance: what the embedded daemon
 * (and the CLI when no daemon runs) uses. PGlite is a single PostgreSQL
 * backend, so there is one session: LISTEN is issued once per channel and
 * notifications are fanned out here, whether they surface from our own
 * queries (PGlite's onNotification) or from a socket client's (the wire
 * server calls `hub.dispatch`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite, Results } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';
import { quoteChannel } from './pg-listener.js';

type Callback = (payload: string) => void;

export class NotificationHub {
  readonly #channels = new Map<string, Set<Callback>>();
  readonly #onError: (e: unknown) => void;

  constructor(onError: (e: unknown) => void = () => undefined) {
    this.#onError = onError;
  }

  /** Returns true when this is the first callback on the channel (LISTEN needed). */
  add(channel: string, cb: Callback): boolean {
    let set = this.#channels.get(channel);
    const first = !set;
    if (!set) this.#channels.set(channel, (set = new Set()));
    set.add(cb);
    return first;
  }

  /** Returns true when the channel has no callback left (UNLISTEN possible). */
  remove(channel: string, cb: Callback): boolean {
    const set = this.#channels.get(channel);
    if (!set?.delete(cb) || set.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }

  dispatch(channel: string, payload: string): void {
    const set = this.#channels.get(channel);
    if (!set) return;
    for (const cb of set) {
      try {
        cb(payload);
      } catch (e) {
        this.#onError(e);
      }
    }
  }
}

function toResult<R>(r: Results<R> | undefined): QueryResult<R> {
  if (!r) return { rows: [], rowCount: 0 };
  // pg reports rowCount for SELECT as the number of rows; PGlite reports affectedRows.
  const rowCount = r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0);
  return { rows: r.rows, rowCount };
}

interface PgliteQueryTarget {
  query<T>(sql: string, params?: unknown[]): Promise<Results<T>>;
  exec(sql: string): Promise<Array<Results>>;
}

/**
 * Same rule as `pg`: with parameters, the extended protocol (one statement);
 * without, the simple protocol, so a migration file may hold many statements.
 */
function queryable(target: PgliteQueryTarget): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      if (params && params.length > 0) return toResult(await target.query<R>(sql, [...params]));
      const all = await target.exec(sql);
      return toResult(all[all.length - 1] as Results<R> | undefined);
    },
  };
}

/**
 * One session means db.query() or db.transaction() called from inside a
 * transaction callback would wait for that transaction forever (on
 * PostgreSQL it would take another pooled connection). Fail loudly instead.
 */
const insideTransaction = new AsyncLocalStorage<true>();
function assertNotInsideTransaction(): void {
  if (insideTransaction.getStore()) {
    throw new Error('embedded database: db.query()/db.transaction() called inside db.transaction(); use the tx argument');
  }
}

export function createPgliteDb(pglite: PGlite, hub: NotificationHub, onClose: () => Promise<void>): Db {
  const unsubscribe = pglite.onNotification((channel, payload) => hub.dispatch(channel, payload));
  const top = queryable(pglite);
  return {
    kind: 'embedded',
    query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      assertNotInsideTransaction();
      return top.query<R>(sql, params);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      assertNotInsideTransaction();
      return pglite.transaction((tx) => insideTransaction.run(true, () => fn(queryable(tx))));
    },
    async listen(channel: string, onNotify: Callback): Promise<() => Promise<void>> {
      const quoted = quoteChannel(channel);
      if (hub.add(channel, onNotify)) await pglite.exec(`LISTEN ${quoted}`);
      return async () => {
        if (hub.remove(channel, onNotify) && !pglite.closed) await pglite.exec(`UNLISTEN ${quoted}`);
      };
    },
    async close(): Promise<void> {
      unsubscribe();
      await onClose();
    },
  };
}
