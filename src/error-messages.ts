/**
 * The one catalogue of refusals: code + data → words. Every front end (the
 * CLI, the HTTP API, the console) shows `text`; the CLI adds `hint`, the
 * command to run next. Neither ever holds a password or a shared secret: the
 * data types below carry none.
 *
 * Codes whose entry is `legacy` still build their message where they are
 * raised (`new RadassocError(code, message)`); each moves here with typed
 * data as its module is converted.
 */

/** The words of one refusal. */
export interface ErrorWords {
  text: string;
  hint: string | null;
}

/** What each code's words are made from. */
export interface ErrorData {
  CONFIG_INVALID: Legacy;
  CONFIG_FILE_UNREADABLE: Legacy;
  CONFIG_FILE_INSECURE: Legacy;
  DB_UNREACHABLE: Legacy;
  DB_MIGRATION_FAILED: Legacy;
  /** The database has no schema yet: `radassoc migrate` was never run against it. */
  DB_NOT_MIGRATED: Record<string, never>;
  /** The embedded database directory is held by another process (daemon or CLI). */
  DB_IN_USE: Legacy;
  REDIS_UNREACHABLE: Legacy;
  DUPLICATE_MEMBER: { username: string };
  UNKNOWN_MEMBER: { username: string };
  UNKNOWN_PLAN: { plan: string };
  DUPLICATE_PLAN: Legacy;
  PLAN_IN_USE: Legacy;
  DUPLICATE_NAS: Legacy;
  UNKNOWN_NAS: Legacy;
  NAS_ADDRESS_OVERLAP: Legacy;
  /** A static IPv4 address already assigned to another member. */
  ADDRESS_IN_USE: Legacy;
  INVALID_ADDRESS: Legacy;
  INVALID_CIDR: Legacy;
  INVALID_DATE: Legacy;
  INVALID_PASSWORD: Legacy;
  INVALID_ATTRIBUTE: Legacy;
  INVALID_ARGUMENT: Legacy;
  IMPORT_FAILED: Legacy;
  UNKNOWN_SESSION: Legacy;
  DISCONNECT_FAILED: Legacy;
  /** The running daemon (embedded mode keeps live sessions in it) cannot be asked. */
  DAEMON_UNREACHABLE: Legacy;
}

/** Data of a code whose words are still written where it is raised. */
type Legacy = { message: string };

type Catalogue = { [C in keyof ErrorData]: (d: ErrorData[C]) => ErrorWords };

const words = (text: string, hint: string | null = null): ErrorWords => ({ text, hint });
const legacy = (d: Legacy): ErrorWords => words(d.message);

export const ERROR_MESSAGES: Catalogue = {
  CONFIG_INVALID: legacy,
  CONFIG_FILE_UNREADABLE: legacy,
  CONFIG_FILE_INSECURE: legacy,
  DB_UNREACHABLE: legacy,
  DB_MIGRATION_FAILED: legacy,
  DB_NOT_MIGRATED: () => words('the database has no radassoc tables yet', 'run `radassoc migrate` first'),
  DB_IN_USE: legacy,
  REDIS_UNREACHABLE: legacy,
  DUPLICATE_MEMBER: (d) =>
    words(`member ${d.username} already exists`, `change it with \`radassoc member set ${d.username} ...\` or its password with \`radassoc member passwd ${d.username}\``),
  UNKNOWN_MEMBER: (d) => words(`no member named ${d.username}`, 'see `radassoc member list`'),
  UNKNOWN_PLAN: (d) => words(`no plan named ${d.plan}`, 'see `radassoc plan list`'),
  DUPLICATE_PLAN: legacy,
  PLAN_IN_USE: legacy,
  DUPLICATE_NAS: legacy,
  UNKNOWN_NAS: legacy,
  NAS_ADDRESS_OVERLAP: legacy,
  ADDRESS_IN_USE: legacy,
  INVALID_ADDRESS: legacy,
  INVALID_CIDR: legacy,
  INVALID_DATE: legacy,
  INVALID_PASSWORD: legacy,
  INVALID_ATTRIBUTE: legacy,
  INVALID_ARGUMENT: legacy,
  IMPORT_FAILED: legacy,
  UNKNOWN_SESSION: legacy,
  DISCONNECT_FAILED: legacy,
  DAEMON_UNREACHABLE: legacy,
};
