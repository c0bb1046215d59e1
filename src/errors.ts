/**
 * Every way radassoc refuses, in one place (the fastify habit): a stable code,
 * a message that says what to do, and the CLI exit code. Messages never carry
 * a password or a shared secret.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_FILE_UNREADABLE'
  | 'CONFIG_FILE_INSECURE'
  | 'DB_UNREACHABLE'
  | 'DB_MIGRATION_FAILED'
  /** The database has no schema yet: `radassoc migrate` was never run against it. */
  | 'DB_NOT_MIGRATED'
  /** The embedded database directory is held by another process (daemon or CLI). */
  | 'DB_IN_USE'
  /** No embedded database where the CLI looked, and the command may not create one. */
  | 'DB_NOT_FOUND'
  /** The data directory cannot be created or written by this process's user. */
  | 'DATA_DIR_NOT_WRITABLE'
  /** A port radassoc listens on is taken (or not allowed) on this host. */
  | 'PORT_IN_USE'
  | 'REDIS_UNREACHABLE'
  | 'DUPLICATE_MEMBER'
  | 'UNKNOWN_MEMBER'
  | 'UNKNOWN_PLAN'
  | 'DUPLICATE_PLAN'
  | 'PLAN_IN_USE'
  | 'DUPLICATE_NAS'
  | 'UNKNOWN_NAS'
  | 'NAS_ADDRESS_OVERLAP'
  /** A static IPv4 address already assigned to another member. */
  | 'ADDRESS_IN_USE'
  | 'INVALID_ADDRESS'
  | 'INVALID_CIDR'
  | 'INVALID_DATE'
  | 'INVALID_PASSWORD'
  | 'INVALID_ATTRIBUTE'
  | 'INVALID_ARGUMENT'
  | 'IMPORT_FAILED'
  | 'UNKNOWN_SESSION'
  | 'DISCONNECT_FAILED'
  /** The running daemon (embedded mode keeps live sessions in it) cannot be asked. */
  | 'DAEMON_UNREACHABLE';

export class RadassocError extends Error {
  readonly code: ErrorCode;
  /** Context for logs (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RadassocError';
    this.code = code;
    this.details = details;
  }
}

export const isRadassocError = (e: unknown): e is RadassocError => e instanceof RadassocError;

/** Exit codes for the CLI: 1 for a usage or data mistake, 2 for an unreachable dependency. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'DB_UNREACHABLE':
    case 'REDIS_UNREACHABLE':
    case 'DAEMON_UNREACHABLE':
    case 'DB_NOT_FOUND':
      return 2;
    default:
      return 1;
  }
}
