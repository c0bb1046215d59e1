/**
 * A FreeRADIUS rlm_sql database to import from: the standard tables of
 * mods-config/sql/main/<dialect>/schema.sql read into the row types of
 * rlm-sql-rows.ts, whatever the database. One implementation per dialect
 * (pg-source.ts, mysql-source.ts); `openSource` picks it from the URL.
 *
 * Reading only: a source never writes to the FreeRADIUS database, so an
 * import can run while FreeRADIUS still serves from it.
 */
import { fail } from '../errors.js';
import type {
  BigintColumn,
  NasRow,
  RadAcctRow,
  RadCheckRow,
  RadGroupCheckRow,
  RadGroupReplyRow,
  RadReplyRow,
  RadUserGroupRow,
} from './rlm-sql-rows.js';

/** The rlm_sql tables an import looks at; radpostauth only to count it (it is never imported). */
export type SourceTable = 'nas' | 'radcheck' | 'radreply' | 'radgroupcheck' | 'radgroupreply' | 'radusergroup' | 'radacct' | 'radpostauth';

export const SOURCE_TABLES: readonly SourceTable[] = [
  'nas', 'radcheck', 'radreply', 'radgroupcheck', 'radgroupreply', 'radusergroup', 'radacct', 'radpostauth',
];

export interface RadAcctBatchOptions {
  /** Only rows whose radacctid is greater (a re-run resumes where the last one stopped). */
  afterId?: BigintColumn;
  /** Rows per batch (default 5000): radacct can hold millions of rows. */
  batchSize?: number;
}

export interface FreeRadiusSource {
  /** Where it reads, for reports: scheme, host, port and database, never a password. */
  readonly where: string;
  /**
   * Whether the database compares user names without case (MySQL's default
   * collation does; PostgreSQL does not): the fold then treats "Alice" and
   * "alice" as the one user FreeRADIUS saw.
   */
  readonly caseInsensitiveUsernames: boolean;
  /** Row counts of each table; null for a table the database does not have (a deployment may keep its clients in clients.conf). */
  counts(): Promise<Record<SourceTable, number | null>>;
  /** Each read resolves to [] for a table the database does not have. Rows in id order. */
  nas(): Promise<NasRow[]>;
  radcheck(): Promise<RadCheckRow[]>;
  radreply(): Promise<RadReplyRow[]>;
  radgroupcheck(): Promise<RadGroupCheckRow[]>;
  radgroupreply(): Promise<RadGroupReplyRow[]>;
  /** In the table's order (id when there is one), which the fold uses to break equal priorities. */
  radusergroup(): Promise<RadUserGroupRow[]>;
  /**
   * radacct in ascending radacctid, a batch at a time, finished and open rows
   * alike. Timestamps are Dates (absolute instants); octet counts are as
   * stored, Gigawords already folded in by FreeRADIUS's queries.
   */
  radacct(options?: RadAcctBatchOptions): AsyncIterable<RadAcctRow[]>;
  close(): Promise<void>;
}

export type SourceDialect = 'postgresql' | 'mysql';

/** The dialect a URL names, or null for a scheme no source reads. */
export function dialectOf(url: string): SourceDialect | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim());
  switch (m?.[1]?.toLowerCase()) {
    case 'postgres':
    case 'postgresql':
      return 'postgresql';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    default:
      return null;
  }
}

/** A URL as a report may show it: scheme, host, port and path; user and password left out. */
export function sourceWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(a URL that cannot be read)';
  }
}

/** Opens the FreeRADIUS database `url` names (postgres://, postgresql://, mysql://, mariadb://). */
export async function openSource(url: string): Promise<FreeRadiusSource> {
  switch (dialectOf(url)) {
    case 'postgresql': {
      const { openPgSource } = await import('./pg-source.js');
      return openPgSource(url);
    }
    case 'mysql': {
      const { openMysqlSource } = await import('./mysql-source.js');
      return openMysqlSource(url);
    }
    default:
      throw fail('IMPORT_SOURCE', { problem: 'scheme', where: sourceWhere(url) });
  }
}
