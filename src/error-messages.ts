/**
 * The one catalogue of refusals: code + data → words. Every front end (the
 * CLI, the HTTP API, the console) shows `text`; the CLI adds `hint`, the
 * command to run next. Neither ever holds a password or a shared secret: the
 * data types below carry none.
 *
 * Codes whose entry is `legacy` still build their message where they are
 * raised (`new RadassocError(code, message)`); each moves here with typed
 * data as its module is converted. A code whose data is `Legacy | {...}` is
 * half way: the typed forms are worded here, the others still where raised.
 */

/** The words of one refusal. */
export interface ErrorWords {
  text: string;
  hint: string | null;
}

/** What each code's words are made from. */
export interface ErrorData {
  /**
   * `workers`: several processes asked for (`count` of them, from `workers`)
   * where the embedded database or session store (`missing` the URL) allows
   * one. `file`: the initial NAS's secret file cannot be read (`errno`) or is
   * empty. DATABASE_URL, REDIS_URL: a URL that cannot be used as written.
   */
  CONFIG_INVALID:
    | Legacy
    | { workers: number | 'auto'; count: number; missing: ('DATABASE_URL' | 'REDIS_URL')[] }
    | { setting: 'initialNasSecretFile'; file: string; problem: 'unreadable'; errno: string }
    | { setting: 'initialNasSecretFile'; file: string; problem: 'empty' }
    | { setting: 'DATABASE_URL'; problem: 'not-a-url' }
    | { setting: 'REDIS_URL'; problem: 'bad-host'; host: string }
    | { setting: 'REDIS_URL'; problem: 'no-sentinel-master' };
  CONFIG_FILE_UNREADABLE: Legacy;
  CONFIG_FILE_INSECURE: Legacy;
  /**
   * PostgreSQL did not answer at `where` (host:port, never a password), for
   * `reason` (secrets removed); `via`: the configured server, or the running
   * daemon's embedded one reached over its socket.
   */
  DB_UNREACHABLE: { where: string; reason: string; via: 'postgres' | 'embedded-daemon' };
  /** The migrations cannot be read (`dir`), two share a version, or one failed and was rolled back. */
  DB_MIGRATION_FAILED:
    | { problem: 'unreadable-dir'; dir: string; error: string }
    | { problem: 'duplicate-version'; version: number; files: [string, string] }
    | { problem: 'failed'; version: number; file: string; reason: string };
  /** The database has no schema yet: `radassoc migrate` was never run against it. */
  DB_NOT_MIGRATED: Record<string, never>;
  /** The embedded database directory is held by another process (`pid`, daemon or CLI), or its lock file cannot be made. */
  DB_IN_USE: { dataDir: string; pid: number } | { dataDir: string; lockFile: string };
  /** No embedded database where the CLI looked, and the command may not create one. */
  DB_NOT_FOUND: Legacy;
  /** The data directory cannot be created or written by this process's user. */
  DATA_DIR_NOT_WRITABLE: Legacy;
  /** A port radassoc listens on is taken (or not allowed) on this host. */
  PORT_IN_USE: Legacy;
  /**
   * Redis did not answer: at connection (`connect`) or during an operation
   * (`operation`); at start (`start`), where it was looked for (`where`,
   * never a password) and why (`reason`, secrets removed).
   */
  REDIS_UNREACHABLE: { when: 'connect' | 'operation' } | { when: 'start'; where: string; reason: string };
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
  /**
   * `from`/`to`: an export period's bound; `today`: the day a dues run acts
   * as if on; `from` and `to` together: a period whose first day is after its last.
   */
  INVALID_DATE: Legacy | { field: 'from' | 'to' | 'today'; value: string } | { from: string; to: string };
  INVALID_PASSWORD: Legacy;
  INVALID_ATTRIBUTE: Legacy;
  /** `reason`: a suspension without a reason. */
  INVALID_ARGUMENT: Legacy | { missing: 'reason' };
  IMPORT_FAILED: Legacy;
  /** No open session by this unique id or Acct-Session-Id; `ended`: it exists but has ended. */
  UNKNOWN_SESSION: { session: string; ended: boolean };
  /** Some Disconnect-Requests were not acknowledged (NAK, timeout, not sent): the result says which. */
  DISCONNECT_FAILED: { failed: number; total: number };
  /**
   * The running daemon (embedded mode keeps live sessions in it) cannot be
   * asked. Only the command line meets this (the daemon's own front ends hold
   * the sessions), hence words about the CLI and the daemon's files.
   */
  DAEMON_UNREACHABLE:
    | { problem: 'http-disabled' }
    | { problem: 'token-unreadable'; file: string; errno: string }
    | { problem: 'token-empty'; file: string }
    | { problem: 'no-answer'; url: string; error: string }
    | { problem: 'refused'; status: number; why: string }
    | { problem: 'bad-answer'; request: string };
  /** Several NAS have an open session with this Acct-Session-Id: the NAS must be named. */
  AMBIGUOUS_SESSION: { session: string; nas: string[] };
  /** A disconnect names neither a member nor a session, or both. */
  MEMBER_OR_SESSION: Record<string, never>;
  /** A number of days that is none: unreadable text (`value`), or not a whole number ≥ 0 (`days`). */
  INVALID_DAYS: { value: string } | { days: number };
  /** An audit listing narrowed both to a member and to another target. */
  AUDIT_FILTER_CONFLICT: Record<string, never>;
  /** A listing limit that is not a whole number of at least 1. */
  INVALID_LIMIT: { limit: number };
}

/** Data of a code whose words are still written where it is raised. */
type Legacy = { message: string };

type Catalogue = { [C in keyof ErrorData]: (d: ErrorData[C]) => ErrorWords };

const words = (text: string, hint: string | null = null): ErrorWords => ({ text, hint });
const legacy = (d: Legacy): ErrorWords => words(d.message);

export const ERROR_MESSAGES: Catalogue = {
  CONFIG_INVALID: (d) => {
    if ('message' in d) return legacy(d);
    if ('workers' in d) {
      return words(
        `--workers ${d.workers} (${d.count} processes) needs PostgreSQL and Redis shared by every worker: ` +
          `set ${d.missing.join(' and ')} (the embedded database and the in-process session store belong to one process), ` +
          'or run with --workers 1',
      );
    }
    switch (d.problem) {
      case 'unreadable':
        return words(`${d.setting} ${d.file} cannot be read (${d.errno})`, 'check the path and that the radassoc user may read it');
      case 'empty':
        return words(`${d.setting} ${d.file} is empty`, "put the NAS's shared secret in it");
      case 'not-a-url':
        return words('DATABASE_URL is not a valid postgres:// URL', 'check DATABASE_URL');
      case 'bad-host':
        return words(`REDIS_URL: '${d.host}' is not host:port`);
      case 'no-sentinel-master':
        return words('REDIS_URL: a redis-sentinel:// URL names the master after the hosts, e.g. redis-sentinel://s1:26379,s2:26379/mymaster');
    }
  },
  CONFIG_FILE_UNREADABLE: legacy,
  CONFIG_FILE_INSECURE: legacy,
  DB_UNREACHABLE: (d) =>
    words(`cannot reach PostgreSQL at ${d.where}: ${d.reason}`, d.via === 'postgres' ? 'check DATABASE_URL' : 'is `radassoc serve` still running?'),
  DB_MIGRATION_FAILED: (d) => {
    switch (d.problem) {
      case 'unreadable-dir':
        return words(`cannot read the migrations directory ${d.dir}: ${d.error}`);
      case 'duplicate-version':
        return words(`two migrations share version ${d.version}: ${d.files[0]} and ${d.files[1]}`);
      case 'failed':
        return words(`migration ${d.file} failed and was rolled back: ${d.reason}`, 'fix the database or the file, then run `radassoc migrate` again');
    }
  },
  DB_NOT_MIGRATED: () => words('the database has no radassoc tables yet', 'run `radassoc migrate` first'),
  DB_IN_USE: (d) =>
    'pid' in d
      ? words(
          `the embedded database in ${d.dataDir} is already open in process ${d.pid} (another radassoc daemon or command)`,
          'stop that process, or wait for it to finish, then try again',
        )
      : words(`cannot lock the embedded database in ${d.dataDir}`, `remove ${d.lockFile} if no radassoc runs`),
  DB_NOT_FOUND: legacy,
  DATA_DIR_NOT_WRITABLE: legacy,
  PORT_IN_USE: legacy,
  REDIS_UNREACHABLE: (d) => {
    if (d.when === 'start') return words(`cannot reach Redis at ${d.where}: ${d.reason}`, 'check REDIS_URL and that Redis runs');
    return words(
      d.when === 'connect'
        ? 'Cannot connect to Redis: check REDIS_URL and that Redis runs.'
        : 'Redis is unreachable: accounting records are not acknowledged until it is back (check REDIS_URL and that Redis runs).',
    );
  },
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
  INVALID_DATE: (d) => {
    if ('message' in d) return legacy(d);
    if (!('field' in d)) return words(`--from ${d.from} is after --to ${d.to}`, 'swap them');
    if (d.field === 'today') return words(`today ${JSON.stringify(d.value)} is not a date in the form YYYY-MM-DD`);
    return words(`--${d.field} ${d.value} is not a date`, 'write it as YYYY-MM-DD, e.g. 2026-11-01');
  },
  INVALID_PASSWORD: legacy,
  INVALID_ATTRIBUTE: legacy,
  INVALID_ARGUMENT: (d) => ('message' in d ? legacy(d) : words('say why with --reason TEXT, e.g. --reason "dues unpaid since March"')),
  IMPORT_FAILED: legacy,
  UNKNOWN_SESSION: (d) => words(`no open session ${d.session}${d.ended ? ' (it has ended)' : ''}`, "`radassoc diagnose <username>` lists a member's sessions"),
  DISCONNECT_FAILED: (d) => words(`${d.failed} of ${d.total} sessions were not confirmed disconnected`, 'see above'),
  DAEMON_UNREACHABLE: (d) => {
    switch (d.problem) {
      case 'http-disabled':
        return words('live sessions are kept by the running daemon and its HTTP port is disabled (httpPort 0)', 'enable it to let the CLI read them');
      case 'token-unreadable':
        return words(
          `cannot read the daemon's control token ${d.file}: ${
            d.errno === 'ENOENT' ? 'it does not exist (is `radassoc serve` running with this data directory?)' : `${d.errno} (run as the daemon's user)`
          }`,
        );
      case 'token-empty':
        return words(`the control token file ${d.file} is empty`, 'delete it and restart the daemon');
      case 'no-answer':
        return words(`cannot reach the running daemon at ${d.url} to read live sessions (${d.error})`, 'is `radassoc serve` running, with its HTTP port (httpPort) enabled?');
      case 'refused':
        return words(`the daemon refused: ${d.why}`);
      case 'bad-answer':
        return words(`the daemon answered the ${d.request} request with something that is not a session list`, 'is it the same radassoc version?');
    }
  },
  AMBIGUOUS_SESSION: (d) => words(`NAS ${d.nas.join(' and ')} each have an open session ${d.session}`, 'add --nas <name>'),
  MEMBER_OR_SESSION: () => words('name either a member (radassoc disconnect alice) or one session (--session <id>), not both'),
  INVALID_DAYS: (d) =>
    'value' in d ? words(`'${d.value}' is not a number of days`, 'write e.g. 30d or 2w') : words(`--lapsing-within must be a whole number of days (got ${d.days})`),
  AUDIT_FILTER_CONFLICT: () => words('give --user or --target, not both'),
  INVALID_LIMIT: () => words('--limit must be a whole number of at least 1'),
};
