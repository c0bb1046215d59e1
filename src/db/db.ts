/**
 * The database seam. Production runs on PostgreSQL through `pg`; the embedded
 * default runs on PGlite. Repositories take a `Queryable` argument instead of
 * importing a global pool: wiring happens once, in main.ts / the CLI.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /** Always parameterised: `$1`, `$2` ... never string-built SQL. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction: commit on success, rollback on throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns the unlisten function. Payload is the NOTIFY payload. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** 'postgres' or 'embedded', for logs and /healthz. */
  readonly kind: 'postgres' | 'embedded';
}
