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

import type { FaultyLine } from './db/import-failure.js';

import type { ListenTarget } from './listen-errors.js';
import { HOOK_EVENTS } from './webhooks/events.js';

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
  /**
   * `given`: the data directory named by a flag, the environment or the file
   * (`source`); `found`: the nearest radassoc-data, holding no database;
   * `none`: nothing in `cwd` or its parents. `write`: the command would change something.
   */
  DB_NOT_FOUND:
    | { origin: 'given'; dataDir: string; source: string | null; write: boolean }
    | { origin: 'found'; dataDir: string; parent: string; write: boolean }
    | { origin: 'none'; dataDir: string; cwd: string; write: boolean };
  /** The data directory cannot be created or written by this process's user. */
  DATA_DIR_NOT_WRITABLE:
    | { problem: 'read-only'; dataDir: string }
    | { problem: 'not-writable' | 'cannot-create'; dataDir: string; blocked: string; user: string; uid: number | null };
  /** A port radassoc listens on is taken (or not allowed) on this host: the listener as listen-errors.ts describes it. */
  PORT_IN_USE: { problem: 'in-use' | 'not-allowed' } & Omit<ListenTarget, 'hostSetting'>;
  /**
   * Redis did not answer: at connection (`connect`) or during an operation
   * (`operation`); at start (`start`), where it was looked for (`where`,
   * never a password) and why (`reason`, secrets removed).
   */
  REDIS_UNREACHABLE: { when: 'connect' | 'operation' } | { when: 'start'; where: string; reason: string };
  /**
   * `via: 'write'`: found by the members table's own key (a direct caller of
   * the repository, or a race), whose hint offers `member set` alone.
   */
  DUPLICATE_MEMBER: { username: string; via?: 'add' | 'write' };
  UNKNOWN_MEMBER: { username: string };
  UNKNOWN_PLAN: { plan: string };
  UNKNOWN_TENANT: { tenant: string };
  /** A deployment with several tenants and a command that did not say which; `tenants` their names. */
  TENANT_REQUIRED: { tenants: string[] };
  ALL_TENANTS_READ_ONLY: Record<string, never>;
  TENANT_AND_ALL_TENANTS: { tenant: string };
  DUPLICATE_TENANT: { tenant: string };
  /** A realm routes to one tenant in the whole deployment; `tenant` its holder (null: the table's key said so, not who). */
  REALM_TAKEN: { realm: string; tenant: string | null };
  /** `tenant remove` of a tenant that still holds members, plans, NAS or usage records. */
  TENANT_IN_USE: { tenant: string; members: number; plans: number; ownedNas: string[]; carriedBy: string[]; usageSessions: number; usageTotals: number; registerRows: number };
  /** An access line already bound to another member of the same tenant (`holder` null: the table's key said so, not who). */
  LINE_IN_USE: { line: string; holder: string | null };
  DUPLICATE_PLAN: { plan: string };
  /** `members` null: a member was put on the plan while it was being removed. */
  PLAN_IN_USE: { plan: string; members: number | null };
  /** `elsewhere`: the name is held by a NAS outside the caller's tenant (NAS names are deployment-wide); nothing more is said of it. */
  DUPLICATE_NAS: { nas: string; elsewhere?: boolean };
  /** A tenant's scope asked to change a NAS shared by the deployment: the operator changes those, with --shared. */
  SHARED_NAS_OPERATOR_ONLY: { nas: string };
  /** --shared named a NAS owned by a tenant (`tenant`: its name). */
  NOT_SHARED_NAS: { nas: string; tenant: string };
  /** --shared and a tenant (`--tenant` or RADASSOC_TENANT) together; `tenant` as given. */
  SHARED_WITH_TENANT: { tenant: string };
  /** `lookup`: a NAS diagnosis by name or address found neither; `address`: an address no NAS holds and nothing came from. */
  UNKNOWN_NAS: { nas: string; lookup?: 'name-or-address' } | { address: string };
  /**
   * `other` null: the clash was caught by the table's constraint, which names only the other block;
   * `elsewhere`: the other NAS is outside the caller's tenant and is not named.
   */
  NAS_ADDRESS_OVERLAP: { address: string; other: string | null; otherAddress: string | null; elsewhere?: boolean };
  /** A static IPv4 address already assigned to another member (`holder` null: the table's key said so, not who). */
  ADDRESS_IN_USE: { address: string; holder: string | null };
  INVALID_ADDRESS: { value: string } | { problem: 'not-single' } | { rejected: string };
  /** `reason`: the validator's words (domain/validate.ts), or the database's. */
  INVALID_CIDR: { value: string | null; reason: string };
  /**
   * Also `from`/`to`: an export period's bound; `today`: the day a dues run acts
   * as if on; `from` and `to` together: a period whose first day is after its last.
   */
  INVALID_DATE: InvalidDate | { field: 'from' | 'to' | 'today'; value: string } | { from: string; to: string };
  /** `reason`: what auth/credentials.ts validatePassword says; never the password. */
  INVALID_PASSWORD: { reason: string } | { problem: 'nt-hash-length' };
  INVALID_ATTRIBUTE: InvalidAttribute;
  /** `missing: 'reason'`: a suspension without a reason. */
  INVALID_ARGUMENT: InvalidArgument | { missing: 'reason' } | Legacy;
  /** New methods for a member whose stored credential cannot serve them without a new password. */
  CREDENTIAL_CANNOT_SERVE: { username: string; credential: string; missing: string[]; auth: string };
  /** Every faulty line of an import with every fault on it; nothing was imported. */
  IMPORT_FAILED: { faults: FaultyLine[]; faulty_lines: number };
  /**
   * A FreeRADIUS database to import from (`where`: scheme, host, port and
   * database, never a password): a URL of no dialect radassoc reads, a
   * dialect whose reader is missing, a server that does not answer, a read
   * that failed, or no rlm_sql table at all.
   */
  IMPORT_SOURCE:
    | { problem: 'scheme'; where: string }
    | { problem: 'not-built'; dialect: 'mysql'; where: string }
    | { problem: 'unreachable'; where: string; reason: string }
    | { problem: 'query'; where: string; table: string; reason: string }
    | { problem: 'no-tables'; where: string }
    /** A URL parameter radassoc does not take, or one the server refused (an unknown ?timezone=). */
    | { problem: 'option'; where: string; option: string; reason: string };
  /** Writing an import failed (`reason`: the database's words, never a row's values); the transaction rolled back. */
  IMPORT_WRITE_FAILED: { reason: string };
  /** No open session by this unique id or Acct-Session-Id; `ended`: it exists but has ended. */
  UNKNOWN_SESSION: { session: string; ended: boolean };
  /** Some Disconnect-Requests were not acknowledged (NAK, timeout, not sent): the result says which. */
  DISCONNECT_FAILED: { failed: number; total: number };
  /**
   * The connection register's identity key (retention.keyFile): a file that
   * cannot be read (`errno`) or holds no 64 hex digits; a key that does not
   * open rows sealed under its own id (`wrong-key`); rows sealed under
   * another key than the configured one (`other-key`, `keyId` null: no key
   * configured); rows of a key neither old nor new found by rotate-key.
   * Never the key itself.
   */
  REGISTER_KEY:
    | { problem: 'unreadable'; file: string; errno: string }
    | { problem: 'malformed'; file: string }
    | { problem: 'wrong-key'; keyId: string }
    | { problem: 'other-key'; rowKeyId: string; keyId: string | null }
    | { problem: 'unknown-key-rows'; count: number; keyIds: string[] };
  /** A requisition that cannot be asked as given: `field` and what is wrong with `value`. */
  INVALID_REQUISITION:
    | { problem: 'at-no-zone' | 'at-form'; value: string }
    | { problem: 'ip' | 'port' | 'year'; value: string }
    | { problem: 'ref' };
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
  /** An admin account of that login exists already (logins are deployment-wide). */
  DUPLICATE_ADMIN: { username: string };
  UNKNOWN_ADMIN: { username: string };
  /** No API token with this id. */
  UNKNOWN_TOKEN: { id: string };
  /**
   * An admin login that is none (`login`), a role that is none (`role`), a tenant
   * given to the operator role (`operator-tenant`), an expiry that is no period
   * or date in the future (`expires`).
   */
  INVALID_ACCOUNT:
    | { problem: 'login'; username: string }
    | { problem: 'role'; role: string }
    | { problem: 'operator-tenant' }
    | { problem: 'expires'; value: string };
  /** No webhook with this id in the tenant. */
  UNKNOWN_HOOK: { id: string };
  /** A webhook that cannot be: its URL (`url`), its events (`events`: the unknown ones), its secret (`secret`). */
  INVALID_HOOK:
    | { problem: 'url'; url: string }
    | { problem: 'events'; unknown: string[] }
    | { problem: 'secret'; length: number };
  /** HTTP API: fields of the request that are wrong, every one with its path and what is wrong. */
  API_INVALID_REQUEST: { fields: ApiFieldError[] };
  /** HTTP API: a body that is not JSON (`reason`: the parser's words, without the text). */
  API_MALFORMED_JSON: { reason: string };
  API_BODY_TOO_LARGE: { limit: number };
  API_UNSUPPORTED_MEDIA_TYPE: { contentType: string };
  /** HTTP API: no credentials (`missing`), a token or session unknown, expired or revoked (`invalid`), a failed login (`login`). */
  API_UNAUTHENTICATED: { problem: 'missing' | 'invalid' | 'login' };
  /** HTTP API: the caller's role may not do this. */
  API_FORBIDDEN: { role: string; action: string };
  /** HTTP API: too many failed logins or bad tokens from this address or for this login. */
  API_RATE_LIMITED: { retryAfterSeconds: number };
  API_NOT_FOUND: { method: string; path: string };
  /** An Idempotency-Key used before with another request (`mismatch`), or whose first request still runs (`in-progress`). */
  API_IDEMPOTENCY_KEY: { key: string; problem: 'mismatch' | 'in-progress' };
  /** HTTP API: something failed on our side; the log has the details (by request id). */
  API_INTERNAL: { requestId: string };
  /**
   * A billing export reaching into months whose usage detail retention has
   * folded into monthly totals (before `until`): they export whole
   * (`partial-month`), and as a summary only (`detail`, `tenants` concerned).
   */
  USAGE_FOLDED:
    | { problem: 'partial-month'; from: string; to: string; until: string }
    | { problem: 'detail'; until: string; tenants: string[] };
  /** Member space: a password change refused by the tenant's rules, or without the right current password. */
  MEMBER_PASSWORD_RULE: { problem: 'current-wrong' } | { problem: 'too-short'; min: number } | { problem: 'mismatch' };
}

/** One wrong field of an API request: where (`members.0.ipv4`, `query.limit`) and what is wrong. */
export interface ApiFieldError {
  path: string;
  message: string;
}

/** Data of a code whose words are still written where it is raised. */
type Legacy = { message: string };

/** A date that is not YYYY-MM-DD or no day of the calendar. */
export type InvalidDate =
  /** As a flag or a CSV column names it: `--paid-until: '31/12/2026' is not ...`. */
  | { field: string; value: string; problem: 'form' | 'calendar' }
  /** A value handed to a repository. */
  | { value: string }
  /** The database's own refusal. */
  | { rejected: string }
  | Legacy;

export type InvalidAttribute =
  /** `reason`: the dictionary's words, or the name or value most likely meant. */
  | { attribute: string; value: string; reason: string }
  /** Text without `=`. */
  | { text: string; problem: 'not-attribute-value' }
  /** Stored attributes that are not a list of name/value text pairs. */
  | { problem: 'shape' };

/** The argument mistakes of members, plans and NAS clients, each with its own data. */
export type InvalidArgument =
  | { problem: 'username'; username: string }
  | { problem: 'name'; kind: 'plan' | 'NAS'; name: string }
  | { problem: 'max-sessions'; value: number }
  | { problem: 'auth-methods'; unknown: string[] }
  | { problem: 'member-status'; status: string }
  /** `--auth` text naming unknown methods (none: no method given). */
  | { problem: 'auth-flag'; unknown: string[] }
  /** A whole number ≥ 1 expected where `field` was given `value`. */
  | { problem: 'count'; field: string; value: string }
  | { problem: 'member-constraint'; username: string; reason: string }
  | { problem: 'nothing-to-change' }
  | { problem: 'flag-needs-value'; flag: string; clearable: boolean }
  | { problem: 'secret-flags'; name: string; given: 'both' | 'neither' | 'empty-stdin' }
  | { problem: 'empty-secret'; nas: string }
  | { problem: 'coa-port'; nas: string; port: number }
  | { problem: 'coa-port-flag' }
  | { problem: 'disconnect-profile'; nas: string; profiles: string[] }
  | { problem: 'nas-address-missing' }
  /** A shared NAS without tenants to carry, or --carries on a NAS owned by one tenant. */
  | { problem: 'shared-nas-carries'; nas: string; shared: boolean }
  /** `nas set` given nothing to change. */
  | { problem: 'nas-set-nothing' }
  | { problem: 'plan-attributes-flags'; both: boolean }
  | { problem: 'unreadable-file'; path: string; reason: string }
  /** An access-line identifier that is empty, too long or not printable. */
  | { problem: 'line'; line: string }
  | { problem: 'tenant-name'; name: string }
  | { problem: 'display-name' }
  /** A realm that is not a DNS-like name (labels of letters, digits and hyphens, dot-separated). */
  | { problem: 'realm'; realm: string }
  /** A tenant setting's flag with a value it cannot take; `expected` says what would do. */
  | { problem: 'tenant-setting'; flag: string; value: string; expected: string }
  | { problem: 'reply-reason'; text: string; reasons: string[] }
  /** A free-text reason (`field`: suspend's or disconnect's) longer than `max` characters. */
  | { problem: 'reason-length'; field: string; max: number; length: number }
  /** `tenant add --restricted-plan`: a new tenant has no plan yet. */
  | { problem: 'restricted-plan-on-add'; tenant: string; plan: string }
  | { problem: 'tenant-flags'; flags: string[] }
  | { problem: 'tenant-nothing-to-change' }
  /** Every command acts in some tenant: the last one stays. */
  | { problem: 'last-tenant'; tenant: string };

type Catalogue = { [C in keyof ErrorData]: (d: ErrorData[C]) => ErrorWords };

const words = (text: string, hint: string | null = null): ErrorWords => ({ text, hint });
const HOOK_EVENT_NAMES = HOOK_EVENTS.join(', ');
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
  DB_NOT_FOUND: (d) => {
    const create = d.write ? '; to create a new database on purpose, give --data-dir DIR' : '';
    switch (d.origin) {
      case 'given':
        return words(
          `no radassoc database in ${d.dataDir} (from ${d.source ?? 'the configuration'})`,
          `check the path, or start the daemon there with \`radassoc serve --data-dir ${d.dataDir}\`${create}`,
        );
      case 'found':
        return words(
          `${d.dataDir} holds no radassoc database yet`,
          `start the daemon with \`npm start\` (or \`radassoc serve\`) in ${d.parent}, or set DATABASE_URL if the daemon uses PostgreSQL${create}`,
        );
      case 'none':
        return words(
          `no radassoc database found in ${d.cwd} or its parents`,
          `start the daemon with \`npm start\` (or \`radassoc serve\`) in the directory that should hold radassoc-data, or set RADASSOC_DATA_DIR (--data-dir) or DATABASE_URL${create}`,
        );
    }
  },
  DATA_DIR_NOT_WRITABLE: (d) => {
    const other = ', or choose another directory with --data-dir or RADASSOC_DATA_DIR';
    if (d.problem === 'read-only') return words(`the data directory ${d.dataDir} is on a read-only file system`, `mount it read-write${other}`);
    const text = d.problem === 'not-writable'
      ? `the data directory ${d.dataDir} is not writable by ${d.user}`
      : `cannot create the data directory ${d.dataDir}: ${d.blocked} is not writable by ${d.user}`;
    const fix = `give that user write access (chown -R ${d.uid ?? 'USER'} ${d.blocked}; with Docker, chown the bind-mounted host directory to uid ${d.uid ?? 'N'})`;
    return words(text, `${fix}${other}`);
  },
  PORT_IN_USE: (d) => {
    const where = `${d.protocol} port ${d.port} on ${d.host.includes(':') ? `[${d.host}]` : d.host} (${d.purpose})`;
    return d.problem === 'in-use'
      ? words(`${where} is already in use: ${d.culprit}`, `stop it, or choose another port with ${d.move}`)
      : words(`${where} may not be opened by this user: ports below 1024 need root or CAP_NET_BIND_SERVICE`, `choose another port with ${d.move}`);
  },
  REDIS_UNREACHABLE: (d) => {
    if (d.when === 'start') return words(`cannot reach Redis at ${d.where}: ${d.reason}`, 'check REDIS_URL and that Redis runs');
    return words(
      d.when === 'connect'
        ? 'Cannot connect to Redis: check REDIS_URL and that Redis runs.'
        : 'Redis is unreachable: accounting records are not acknowledged until it is back (check REDIS_URL and that Redis runs).',
    );
  },
  DUPLICATE_MEMBER: (d) =>
    d.via === 'write'
      ? words(`member ${d.username} already exists`, `use \`radassoc member set ${d.username} ...\` to change it`)
      : words(`member ${d.username} already exists`, `change it with \`radassoc member set ${d.username} ...\` or its password with \`radassoc member passwd ${d.username}\``),
  UNKNOWN_MEMBER: (d) => words(`no member named ${d.username}`, 'see `radassoc member list`'),
  UNKNOWN_PLAN: (d) => words(`no plan named ${d.plan}`, 'see `radassoc plan list`'),
  UNKNOWN_TENANT: (d) => words(`no tenant named ${d.tenant}`, 'see `radassoc tenant list`'),
  TENANT_REQUIRED: (d) =>
    words(
      `this deployment serves ${d.tenants.length} tenants (${d.tenants.slice(0, 10).join(', ')}${d.tenants.length > 10 ? ', ...' : ''}): say which one`,
      'add `--tenant NAME` or set RADASSOC_TENANT',
    ),
  ALL_TENANTS_READ_ONLY: () => words('--all-tenants shows every tenant in a listing; a change acts in one tenant', 'use `--tenant NAME` instead'),
  TENANT_AND_ALL_TENANTS: (d) => words(`--tenant ${d.tenant} and --all-tenants ask for two different scopes`, 'give one of them'),
  DUPLICATE_TENANT: (d) => words(`tenant ${d.tenant} already exists`, `change it with \`radassoc tenant set ${d.tenant} ...\``),
  REALM_TAKEN: (d) =>
    words(
      `realm ${d.realm} already routes to ${d.tenant === null ? 'another tenant' : `tenant ${d.tenant}`}: a realm names one tenant in the deployment`,
      d.tenant === null ? 'see `radassoc tenant list`' : `choose another, or first \`radassoc tenant set ${d.tenant} --remove-realm ${d.realm}\``,
    ),
  TENANT_IN_USE: (d) => {
    const held = [
      d.members > 0 ? `${d.members} member${d.members === 1 ? '' : 's'}` : null,
      d.plans > 0 ? `${d.plans} plan${d.plans === 1 ? '' : 's'}` : null,
      d.ownedNas.length > 0 ? `NAS ${d.ownedNas.join(', ')}` : null,
      d.carriedBy.length > 0 ? `a place on shared NAS ${d.carriedBy.join(', ')}` : null,
      d.usageSessions > 0 ? `${d.usageSessions} usage record${d.usageSessions === 1 ? '' : 's'} (billing history)` : null,
      d.usageTotals > 0 ? `${d.usageTotals} monthly usage total${d.usageTotals === 1 ? '' : 's'} (billing history)` : null,
      d.registerRows > 0 ? `${d.registerRows} connection register row${d.registerRows === 1 ? '' : 's'} (kept for the legal period)` : null,
    ].filter((x): x is string => x !== null);
    const steps = [
      d.members > 0 ? `\`radassoc member remove USERNAME --tenant ${d.tenant}\`` : null,
      d.plans > 0 ? `\`radassoc plan remove PLAN --tenant ${d.tenant}\`` : null,
      d.ownedNas.length > 0 || d.carriedBy.length > 0 ? '`radassoc nas remove NAME` (or take the tenant off the shared NAS)' : null,
      d.usageSessions > 0 || d.usageTotals > 0 ? `keep the usage (\`radassoc export --tenant ${d.tenant} ...\`): a tenant with billing history is not removed` : null,
      d.registerRows > 0 ? `the register rows go when their period ends (\`radassoc retention show --tenant ${d.tenant}\`); the tenant can be removed after` : null,
    ].filter((x): x is string => x !== null);
    return words(`tenant ${d.tenant} still holds ${held.join(', ')}`, `remove them first: ${steps.join('; ')}`);
  },
  LINE_IN_USE: (d) =>
    d.holder !== null
      ? words(`line ${d.line} is already bound to member ${d.holder}`, `choose another, or free it first with \`radassoc member set ${d.holder} --line ''\``)
      : words(`line ${d.line} is already bound to another member`, 'choose another; `radassoc member list --json` shows who has it'),
  DUPLICATE_PLAN: (d) => words(`plan ${d.plan} already exists`, 'see `radassoc plan list`'),
  PLAN_IN_USE: (d) =>
    words(
      `plan ${d.plan} is used by ${d.members === null ? 'members' : d.members === 1 ? '1 member' : `${d.members} members`}`,
      'move them to another plan with `radassoc member set <username> --plan <other>` first',
    ),
  DUPLICATE_NAS: (d) =>
    d.elsewhere
      ? words(`the name ${d.nas} is taken by a NAS of this deployment (NAS names are shared by every tenant)`, 'choose another name')
      : words(`NAS ${d.nas} already exists`, `remove it first with \`radassoc nas remove ${d.nas}\``),
  SHARED_NAS_OPERATOR_ONLY: (d) =>
    words(
      `NAS ${d.nas} is shared by the deployment: only its operator changes it, not a tenant`,
      `the operator runs the command with --shared and without --tenant (nor RADASSOC_TENANT), e.g. \`radassoc nas set ${d.nas} --shared --add-carries NAME\``,
    ),
  NOT_SHARED_NAS: (d) => words(`NAS ${d.nas} is not shared: it belongs to tenant ${d.tenant}`, `run the command with \`--tenant ${d.tenant}\` instead of --shared`),
  SHARED_WITH_TENANT: (d) =>
    words(`--shared acts for the whole deployment, but a tenant (${d.tenant}) was given too`, 'drop --tenant (and unset RADASSOC_TENANT) for a shared NAS'),
  UNKNOWN_NAS: (d) => {
    if ('address' in d) {
      return words(
        `no NAS holds the address ${d.address} and no request came from it in the last day`,
        `see \`radassoc nas list\`, or add the NAS with \`radassoc nas add NAME --ip ${d.address} --secret ...\``,
      );
    }
    if (d.lookup) return words(`no NAS is named ${d.nas}`, 'see `radassoc nas list` (an address works too, e.g. `radassoc nas diagnose 192.0.2.1`)');
    return words(`no NAS named ${d.nas}`, 'see `radassoc nas list`');
  },
  NAS_ADDRESS_OVERLAP: (d) => {
    if (d.elsewhere) return words(`${d.address} overlaps the address of a NAS of another tenant: a source address must identify one NAS in the whole deployment`, 'check the address, or ask the operator');
    const whom = d.other !== null ? `NAS ${d.other} (${d.otherAddress ?? ''})` : `another NAS's block ${d.otherAddress ?? ''}`.trim();
    const fix = d.other !== null ? `remove ${d.other} first` : 'remove the other NAS first';
    return words(`${d.address} overlaps ${whom}: a source address must identify one NAS; narrow the block or ${fix}`);
  },
  ADDRESS_IN_USE: (d) =>
    d.holder !== null
      ? words(`address ${d.address} is already assigned to member ${d.holder}`, `choose another, or change ${d.holder}'s first with \`radassoc member set ${d.holder} ...\``)
      : words(`address ${d.address} is already assigned to another member`, 'choose another; `radassoc member list` shows who has it'),
  INVALID_ADDRESS: (d) => {
    if ('value' in d) return words(`${JSON.stringify(d.value)} is not an IPv4 address like 192.0.2.10`);
    if ('problem' in d) return words('the static address must be a single IPv4 address');
    return words(d.rejected);
  },
  INVALID_CIDR: (d) => words(d.reason),
  INVALID_DATE: (d) => {
    if ('problem' in d || !('field' in d || 'from' in d)) return invalidDate(d);
    if ('from' in d) return words(`--from ${d.from} is after --to ${d.to}`, 'swap them');
    if (d.field === 'today') return words(`today ${JSON.stringify(d.value)} is not a date in the form YYYY-MM-DD`);
    return words(`--${d.field} ${d.value} is not a date`, 'write it as YYYY-MM-DD, e.g. 2026-11-01');
  },
  INVALID_PASSWORD: (d) => ('reason' in d ? words(`${d.reason}; choose another password`) : words('an NT hash is 16 octets')),
  INVALID_ATTRIBUTE: (d) => {
    if ('reason' in d) return words(`--attr '${d.attribute}=${d.value}': ${d.reason}`);
    if ('text' in d) return words(`--attr '${d.text}' is not Attribute=Value; write e.g. --attr 'Session-Timeout=86400'`);
    return words('plan attributes must be a list of {name, value} text pairs');
  },
  INVALID_ARGUMENT: (d) => {
    if ('problem' in d) return invalidArgument(d);
    if ('missing' in d) return words('say why with --reason TEXT, e.g. --reason "dues unpaid since March"');
    return legacy(d);
  },
  CREDENTIAL_CANNOT_SERVE: (d) =>
    words(
      `the stored credential of ${d.username} (${d.credential}) cannot serve ${d.missing.join(', ')}`,
      `set a new password with \`radassoc member passwd ${d.username} --auth ${d.auth}\``,
    ),
  IMPORT_FAILED: importFailed,
  IMPORT_WRITE_FAILED: (d) =>
    words(`the import could not be written (${d.reason}); nothing was imported, radassoc is as it was`, 'fix what the message names and run the import again'),
  IMPORT_SOURCE: (d) => {
    switch (d.problem) {
      case 'scheme':
        return words(`${d.where}: radassoc reads FreeRADIUS databases from postgres://, postgresql://, mysql:// or mariadb:// URLs`, 'give --from as e.g. postgres://radius:PASSWORD@db-host/radius');
      case 'not-built':
        return words(`${d.where}: MySQL source not built into this radassoc`, 'import from a PostgreSQL copy of the database, or use a radassoc that reads MySQL');
      case 'unreachable':
        return words(`the FreeRADIUS database at ${d.where} did not answer: ${d.reason}`, 'check the URL, the user and password, and that this host may connect');
      case 'query':
        return words(`reading ${d.table} from ${d.where} failed: ${d.reason}`, 'check that the database user may read the rlm_sql tables');
      case 'no-tables':
        return words(`${d.where} has none of rlm_sql's tables (radcheck, radreply, radgroupcheck, radgroupreply, radusergroup, radacct, nas)`, 'point --from at the database FreeRADIUS\'s sql module uses');
      case 'option':
        return words(`${d.where}: ?${d.option}= ${d.reason}`, 'a MySQL URL takes ?timezone= alone, as SYSTEM, an offset such as +01:00 or a zone name such as Europe/Paris');
    }
  },
  UNKNOWN_SESSION: (d) => words(`no open session ${d.session}${d.ended ? ' (it has ended)' : ''}`, "`radassoc diagnose <username>` lists a member's sessions"),
  DISCONNECT_FAILED: (d) => words(`${d.failed} of ${d.total} sessions were not confirmed disconnected`, 'see above'),
  REGISTER_KEY: (d) => {
    switch (d.problem) {
      case 'unreadable':
        return words(`the register key file ${d.file} cannot be read (${d.errno})`, 'check retention.keyFile (or --new-key-file) and that the radassoc user may read it');
      case 'malformed':
        return words(`the register key file ${d.file} does not hold a key: it must hold 64 hex digits (32 bytes)`, 'make one with `openssl rand -hex 32 > FILE`');
      case 'wrong-key':
        return words(`the register key ${d.keyId} does not open the identities sealed under its id: the key file was changed or the rows are damaged`, 'point retention.keyFile at the key the register was sealed with');
      case 'other-key':
        return d.keyId === null
          ? words(`the register holds identities sealed with key ${d.rowKeyId}, and retention.keyFile is not set`, 'set retention.keyFile to that key\'s file')
          : words(`the register holds identities sealed with key ${d.rowKeyId}, not with the configured key ${d.keyId}`, 'finish `radassoc retention rotate-key`, or point retention.keyFile at the right file');
      case 'unknown-key-rows':
        return words(`${d.count} register rows are sealed with keys neither old nor new (${d.keyIds.join(', ')}); nothing was changed`, 'give that key with --old-key-file');
    }
  },
  INVALID_REQUISITION: (d) => {
    switch (d.problem) {
      case 'at-no-zone':
        return words(`--at '${d.value}' has no time zone: an instant needs its offset or Z`, 'e.g. --at 2026-03-14T21:05:00+01:00 or --at 2026-03-14T20:05:00Z');
      case 'at-form':
        return words(`--at '${d.value}' is not an ISO 8601 date and time`, 'e.g. --at 2026-03-14T21:05:00+01:00');
      case 'ip':
        return words(`--ip '${d.value}' is not an IPv4 or IPv6 address`, 'e.g. --ip 192.0.2.10 or --ip 2001:db8:1200::1');
      case 'port':
        return words(`--port '${d.value}' is not a port number (0 to 65535)`);
      case 'year':
        return words(`--year '${d.value}' is not a year`, 'e.g. --year 2026');
      case 'ref':
        return words('a requisition needs the authority\'s reference, at most 200 characters', 'give it with --ref TEXT');
    }
  },
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
  DUPLICATE_ADMIN: (d) => words(`admin ${d.username} already exists`, `change its password with \`radassoc admin passwd ${d.username}\``),
  UNKNOWN_ADMIN: (d) => words(`no admin named ${d.username}`, 'see `radassoc admin list`'),
  UNKNOWN_TOKEN: (d) => words(`no API token ${d.id}`, 'see `radassoc token list`'),
  INVALID_ACCOUNT: (d) => {
    switch (d.problem) {
      case 'login':
        return words(`invalid admin login ${JSON.stringify(d.username)}: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit`);
      case 'role':
        return words(`${JSON.stringify(d.role)} is not a role: admin, treasurer, support or operator`);
      case 'operator-tenant':
        return words('the operator role is deployment-wide: it takes no tenant');
      case 'expires':
        return words(`expiry ${JSON.stringify(d.value)} is neither a period such as 90d nor a future date YYYY-MM-DD`);
    }
  },
  UNKNOWN_HOOK: (d) => words(`no webhook ${d.id}`, 'see `radassoc hook list`'),
  INVALID_HOOK: (d) => {
    switch (d.problem) {
      case 'url':
        return words(`${JSON.stringify(d.url.slice(0, 200))} is not a webhook URL: give an http:// or https:// URL of at most 2000 characters`);
      case 'events':
        return words(
          d.unknown.length === 0
            ? `name at least one event: ${HOOK_EVENT_NAMES}`
            : `unknown event${d.unknown.length > 1 ? 's' : ''} ${d.unknown.map((e) => JSON.stringify(e)).join(', ')}: the events are ${HOOK_EVENT_NAMES}`,
        );
      case 'secret':
        return words(`a webhook secret has at least 16 characters (this one has ${d.length})`, 'leave it out to have one generated');
    }
  },
  API_INVALID_REQUEST: (d) =>
    words(`the request has ${d.fields.length === 1 ? '1 invalid field' : `${d.fields.length} invalid fields`}: ${d.fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`),
  API_MALFORMED_JSON: (d) => words(`the body is not valid JSON: ${d.reason}`),
  API_BODY_TOO_LARGE: (d) => words(`the body is larger than ${d.limit} bytes`),
  API_UNSUPPORTED_MEDIA_TYPE: (d) => words(`the body must be application/json, not ${d.contentType}`),
  API_UNAUTHENTICATED: (d) => {
    switch (d.problem) {
      case 'missing':
        return words('authentication required: send Authorization: Bearer <token>');
      case 'invalid':
        return words('the token is unknown, expired or revoked');
      case 'login':
        return words('wrong login or password');
    }
  },
  API_FORBIDDEN: (d) => words(`the ${d.role} role may not ${d.action}`),
  API_RATE_LIMITED: (d) => words(`too many failed attempts: try again in ${d.retryAfterSeconds} s`),
  API_NOT_FOUND: (d) => words(`no route ${d.method} ${d.path}; see /api/openapi.json`),
  API_IDEMPOTENCY_KEY: (d) =>
    d.problem === 'mismatch'
      ? words(`Idempotency-Key ${JSON.stringify(d.key)} was used with another request: use a new key for a new request`)
      : words(`the first request with Idempotency-Key ${JSON.stringify(d.key)} is still running: retry in a moment`),
  API_INTERNAL: (d) => words(`internal error (request ${d.requestId}); the server log has the details`),
  USAGE_FOLDED: (d) =>
    d.problem === 'partial-month'
      ? words(
          `usage before ${d.until} is kept as monthly totals only (its per-session detail is past its retention): a period reaching into it starts on a month's first day and, before ${d.until}, ends on a month's last day (not ${d.from} to ${d.to})`,
          'give whole months, e.g. --from 2025-01-01 --to 2025-03-31',
        )
      : words(
          `the per-session detail before ${d.until} is no longer held${d.tenants.length > 1 ? ` (tenants ${d.tenants.join(', ')})` : ''}: it was folded into monthly totals per member`,
          `export the summary (without --detail), or a period from ${d.until} on`,
        ),
  MEMBER_PASSWORD_RULE: (d) => {
    switch (d.problem) {
      case 'current-wrong':
        return words('the current password is not the right one');
      case 'too-short':
        return words(`the new password needs at least ${d.min} characters`);
      case 'mismatch':
        return words('the two new passwords differ: type the same one twice');
    }
  },
};

function invalidDate(d: InvalidDate): ErrorWords {
  if ('field' in d) {
    const why = d.problem === 'calendar' ? 'is not a day of the calendar' : 'is not a date in the form YYYY-MM-DD';
    return words(`${d.field}: '${d.value}' ${why}; write e.g. 2026-12-31`);
  }
  if ('value' in d) return words(`${JSON.stringify(d.value)} is not a date in the form YYYY-MM-DD`);
  if ('rejected' in d) return words(`${d.rejected}; dates are YYYY-MM-DD`);
  return legacy(d);
}

const AUTH_METHOD_LIST = 'pap, chap, mschapv1, mschapv2';

function invalidArgument(d: InvalidArgument): ErrorWords {
  switch (d.problem) {
    case 'username':
      return words(`invalid username ${JSON.stringify(d.username)}: 1 to 253 printable characters`);
    case 'name':
      return words(`invalid ${d.kind} name ${JSON.stringify(d.name)}`);
    case 'max-sessions':
      return words(`max sessions must be a whole number of at least 1 (got ${d.value})`);
    case 'auth-methods':
      return words(`auth methods must be some of ${AUTH_METHOD_LIST}${d.unknown.length ? ` (not ${d.unknown.join(', ')})` : ''}`);
    case 'member-status':
      return words(`a member's status is active or suspended (not ${JSON.stringify(d.status)})`);
    case 'auth-flag': {
      const what = d.unknown.length > 0 ? `unknown auth method ${d.unknown.map((b) => `'${b}'`).join(', ')}` : 'no auth method given';
      return words(`${what}; use --auth all or a comma list of ${AUTH_METHOD_LIST}`);
    }
    case 'count':
      return words(`${d.field} must be a whole number of at least 1 (got '${d.value}')`);
    case 'member-constraint':
      return words(`member ${d.username}: ${d.reason}`);
    case 'nothing-to-change':
      return words('nothing to change: give at least one of --plan, --ipv4, --ipv6-prefix, --max-sessions, --paid-until, --line or --auth');
    case 'flag-needs-value':
      return words(`--${d.flag} needs a value${d.clearable ? ' (or none to clear it)' : ''}`);
    case 'secret-flags':
      return secretFlags(d.name, d.given);
    case 'empty-secret':
      return words(`NAS ${d.nas}: the shared secret cannot be empty`, 'generate one with `openssl rand -base64 32`');
    case 'coa-port':
      return words(`NAS ${d.nas}: the CoA port must be from 1 to 65535 (got ${d.port})`);
    case 'coa-port-flag':
      return words('--coa-port must be a port number from 1 to 65535');
    case 'disconnect-profile':
      return words(`NAS ${d.nas}: disconnect profile must be one of ${d.profiles.join(', ')}`);
    case 'nas-address-missing':
      return words('give the NAS source address with --ip <addr|cidr>, e.g. --ip 192.0.2.1');
    case 'shared-nas-carries':
      return d.shared
        ? words(`shared NAS ${d.nas} must carry at least one tenant`, 'name them with --carries NAME[,NAME...]')
        : words(`NAS ${d.nas} belongs to one tenant and serves only its members: --carries is for a NAS shared with --shared`);
    case 'nas-set-nothing':
      return words('nothing to change: give --carries, --add-carries or --remove-carries');
    case 'plan-attributes-flags':
      return d.both
        ? words('give either --attr ... or --clear, not both')
        : words('give the new attributes with --attr Attribute=Value (repeatable; they replace the old ones), or --clear');
    case 'unreadable-file':
      return words(`cannot read ${d.path}: ${d.reason}; check the path`);
    case 'line':
      return words(`invalid line ${JSON.stringify(d.line)}: the access-line identifier (Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id) is 1 to 253 octets of printable text`);
    case 'tenant-name':
      return words(`invalid tenant name ${JSON.stringify(d.name)}: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 63`);
    case 'display-name':
      return words('the display name cannot be empty');
    case 'realm':
      return words(`invalid realm ${JSON.stringify(d.realm)}: a domain-like name such as asso-a.example (letters, digits and '-', labels separated by dots)`);
    case 'tenant-setting':
      return words(`--${d.flag} ${JSON.stringify(d.value)}: expected ${d.expected}`);
    case 'reply-reason':
      return words(`--reply-message '${d.text}' is not reason=text; the reasons are ${d.reasons.join(', ')}`);
    case 'reason-length':
      return words(`a reason is at most ${d.max} characters (this one has ${d.length})`);
    case 'restricted-plan-on-add':
      return words(
        `a new tenant has no plan yet to serve as its restricted plan ${d.plan}`,
        `add the tenant first, then \`radassoc plan add ${d.plan} --tenant ${d.tenant} ...\` and \`radassoc tenant set ${d.tenant} --restricted-plan ${d.plan}\``,
      );
    case 'tenant-flags':
      return words(`give one of ${d.flags.join(', ')}, not several`);
    case 'tenant-nothing-to-change':
      return words(
        'nothing to change: give at least one of --display-name, --realm, --add-realm, --remove-realm, --keep-realm, --strip-realm, --restricted-plan, --grace-days, --lockout, --auth-log-days, --usage-detail-retention-months, --usage-totals-retention-months, --identifier-retention-days, --audit-retention-days, --disconnect-log-retention-days, --register-retention-days, --member-space-link, --password-min-length, --reply-message, --attribute or --clear-attributes',
      );
    case 'last-tenant':
      return words(`tenant ${d.tenant} is the deployment's only tenant and cannot be removed`, 'add the tenant that replaces it first (`radassoc tenant add NAME`)');
  }
}

function secretFlags(name: string, given: 'both' | 'neither' | 'empty-stdin'): ErrorWords {
  switch (given) {
    case 'both':
      return words(`give the ${name} either with --${name} or with --${name}-stdin, not both`);
    case 'neither':
      return words(`give the ${name} with --${name} <${name}> or --${name}-stdin (safer: it stays out of shell history)`);
    case 'empty-stdin':
      return words(`--${name}-stdin: nothing came on standard input; pipe the ${name} in, e.g. printf '%s\\n' "$PW" | radassoc ...`);
  }
}

/** Enough faulty lines to see the pattern on a screen; the rest are counted (the data holds them all). */
export const SHOWN_FAULTY_LINES = 100;

function importFailed(d: { faults: FaultyLine[] }): ErrorWords {
  const text = d.faults.slice(0, SHOWN_FAULTY_LINES).flatMap((l) => l.problems.map((p) => `line ${l.line}: ${p}`));
  const more = d.faults.length - SHOWN_FAULTY_LINES;
  if (more > 0) text.push(`... and ${more} more faulty line${more === 1 ? '' : 's'}`);
  text.push('nothing was imported; fix the file and run the import again');
  return words(text.join('\n'));
}
