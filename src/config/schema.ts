/**
 * The configuration of radassoc, declared once: every key, its type, its
 * bounds and its default, from which come the Config type, DEFAULT_CONFIG and
 * the validation in load.ts. Nested objects are strict too, so a misspelled
 * key anywhere is refused instead of silently keeping the default.
 * Precedence (design.md): flags > environment > config file > defaults.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { REJECT_REASONS, type RejectReason } from '../domain/auth-result.js';

export const DEFAULT_REPLY_MESSAGES: Record<RejectReason, string> = {
  'unknown-user': 'Login incorrect: check your user name and password.',
  'bad-password': 'Login incorrect: check your user name and password.',
  suspended: 'Your account is suspended. Please contact the association.',
  'method-not-possible': 'This login method is not enabled for your account. Please contact the association.',
  'too-many-sessions': 'You are already connected the maximum number of times.',
  'locked-out': 'Too many failed logins. Please wait a few minutes and try again.',
  'malformed-credentials': 'Login incorrect: your equipment sent an invalid password.',
  'realm-not-served': 'This access line does not serve your association: check the realm after the @ in your user name.',
  'realm-missing': 'Add your association\'s realm to your user name (user@realm).',
  'line-ambiguous': 'This access line is registered with more than one association. Please contact your association.',
};

/** What a strict object says of a key it does not know; explain.ts adds the key and a suggestion. */
const NOT_A_CONFIG_KEY = 'is not a configuration key';

function declare(z: typeof Zod.z) {
  const got = (iss: { input?: unknown }): string => `, got ${JSON.stringify(iss.input)}`;
  // One message per key, whichever check fails: the key, what it must be, and the value
  // (numbers only: a string may be a URL with a password in it).
  const port = (zeroDisables: boolean) => {
    const error = (iss: { input?: unknown }) => `must be a port number${zeroDisables ? ' (0 disables)' : ''}${got(iss)}`;
    return z.int({ error }).min(zeroDisables ? 0 : 1, { error }).max(65535, { error });
  };
  const int = (min: number) => {
    const error = (iss: { input?: unknown }) => `must be an integer >= ${min}${got(iss)}`;
    return z.int({ error }).min(min, { error });
  };
  const text = (error = 'must be a non-empty string') => z.string({ error }).min(1, { error });
  const textOrNull = () => text('must be a non-empty string or null').nullable().default(null);
  // A section left out is {} before parsing, so each of its keys gets its own default.
  const section = <S extends Zod.ZodRawShape>(shape: S) => {
    const object = z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? NOT_A_CONFIG_KEY : 'must be an object of keys') });
    // Every key of every section has a default, which a generic S cannot show.
    return object.prefault({} as Zod.input<typeof object>);
  };

  const workersError = (iss: { input?: unknown }) => `must be a number >= 1 or "auto"${got(iss)}`;
  const replyMessages = Object.fromEntries(REJECT_REASONS.map((r) => [r, text().default(DEFAULT_REPLY_MESSAGES[r])])) as Record<
    RejectReason,
    Zod.ZodDefault<Zod.ZodString>
  >;

  return z.strictObject(
    {
      /** UDP port for Access-Request and Status-Server (RFC 2865); 0 asks the kernel for a free one. */
      authPort: port(true).default(1812),
      /** UDP port for Accounting-Request and Status-Server (RFC 2866). */
      acctPort: port(true).default(1813),
      /** Address to bind; null binds every IPv4 and IPv6 address. */
      bind: textOrNull(),
      dataDir: text().default('./radassoc-data'),
      /** Loopback HTTP for /metrics and /healthz; 0 disables it. */
      httpPort: port(true).default(9812),
      httpHost: text().default('127.0.0.1'),
      /** Processes answering on the same ports; 'auto' is one per core. */
      workers: z
        .union([z.literal('auto', { error: workersError }), z.int({ error: workersError }).min(1, { error: workersError })], { error: workersError })
        .default(1),
      /** PostgreSQL; null runs the embedded PGlite under dataDir. */
      databaseUrl: textOrNull(),
      /** Redis; null keeps live sessions in process (journalled under dataDir). */
      redisUrl: textOrNull(),
      /** Prefix of every Redis key, so several deployments can share one Redis. */
      redisKeyPrefix: text().default('radassoc:'),
      /** Port on 127.0.0.1 where the embedded database is served to the CLI. */
      embeddedDbPort: port(false).default(54329),
      /** SO_RCVBUF for the UDP sockets: bursts are dropped by the kernel with the default. */
      udpReceiveBufferBytes: int(65536).default(4 * 1024 * 1024),
      /** RFC 5080 §2.2.2: how long an answer stays in the duplicate cache. */
      duplicateWindowMs: int(0).default(10_000),
      /** Reply-Message per reject reason: tells a human what is wrong. */
      replyMessages: z
        .strictObject(replyMessages, { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a reject reason' : 'must be an object of reason → text') })
        .prefault({}),
      /** Accept suspended members into this plan (walled garden) instead of rejecting. */
      restrictedPlan: textOrNull(),
      /** Simultaneous use when the session store cannot be read. */
      sessionLimitWhenStoreDown: z.enum(['allow', 'deny'], { error: 'must be "allow" or "deny"' }).default('allow'),
      realms: section({
        /** Where a User-Name carries its realm: `user@realm` (suffix), `realm/user` (prefix), or either. */
        syntax: z.enum(['suffix', 'prefix', 'both'], { error: 'must be "suffix", "prefix" or "both"' }).default('suffix'),
      }),
      accounting: section({
        flushCron: text().default('* * * * *'),
        /** Close a session as stale after this many interim intervals without an update. */
        staleMultiple: int(1).default(3),
        /** Interim interval assumed when the NAS never said one (seconds). */
        defaultInterimInterval: int(10).default(600),
        reapCron: text().default('*/5 * * * *'),
      }),
      dues: section({
        cron: text().default('0 3 * * *'),
        graceDays: int(0).default(7),
      }),
      authLog: section({
        /** Authentication log rows older than this many days are deleted by the retention run; 0 keeps them forever. */
        retentionDays: int(0).default(30),
        /** No longer read: retention.cron schedules the authentication log with every other kind. Kept so that existing files load. */
        pruneCron: text().default('30 3 * * *'),
      }),
      /** What is kept, for how long (docs/privacy.md): the deployment's periods, each tenant's own over them. */
      retention: section({
        /** When the daily retention run deletes what is past its period. */
        cron: text().default('30 3 * * *'),
        /** Rows per transaction, so that no lock is held for long while RADIUS writes. */
        batchSize: int(1).default(5000),
        /** Whole months of per-session usage kept after the current month, then folded into monthly totals (at least 1). */
        usageDetailMonths: int(1).default(13),
        /** Months a member's monthly usage totals are kept after the month (accounting records: 10 years); 0 keeps them forever. */
        usageTotalsMonths: int(0).default(120),
        /** Days Calling-Station-Id, NAS-Port-Id and Class stay on an ended session; 0: cleared at the next run. */
        identifierDays: int(0).default(0),
        /** Audit log rows older than this many days are deleted; 0 keeps them forever. */
        auditDays: int(0).default(365),
        /** Disconnect log rows older than this many days are deleted; 0 keeps them forever. */
        disconnectLogDays: int(0).default(90),
        /**
         * A file holding a 32-byte key as 64 hex digits: the connection register then keeps
         * member identities sealed with it (AES-256-GCM, src/privacy/identity-key.ts); null: in clear.
         */
        keyFile: textOrNull(),
      }),
      /** The HTTP API (src/api/): loopback by default; direct TLS with a certificate and key, or a reverse proxy in front. */
      api: section({
        host: text().default('127.0.0.1'),
        /** 0 disables the API. */
        port: port(true).default(9813),
        /** PEM files; both or neither. */
        tlsCert: textOrNull(),
        tlsKey: textOrNull(),
      }),
      /** Webhooks per tenant (src/webhooks/): delivery attempts, retries, and the daily member.lapsing job. */
      webhooks: section({
        /** Seconds an attempt may take before it counts as failed. */
        timeoutSeconds: int(1).default(10),
        /** First retry after about this many seconds, doubling each attempt (with jitter). */
        retryBaseSeconds: int(1).default(30),
        retryMaxSeconds: int(1).default(3600),
        /** An event still undelivered after this many hours is given up. */
        maxAgeHours: int(1).default(72),
        /** member.lapsing: members whose paid-until falls within this many days. */
        lapsingWithinDays: int(0).default(14),
        lapsingCron: text().default('0 6 * * *'),
        /** Delivered and given-up deliveries are deleted after this many days. */
        retentionDays: int(1).default(30),
      }),
      lockout: section({
        /** Failed attempts within windowSeconds that lock a username. */
        userThreshold: int(1).default(10),
        /** Failed attempts from one NAS within windowSeconds that throttle it. */
        nasThreshold: int(1).default(1000),
        windowSeconds: int(1).default(300),
      }),
      /**
       * The NAS created on first start (empty NAS table), e.g. the Docker host's
       * network: address or CIDR block, and its shared secret given inline or in a
       * file (a container secret); with neither, one is generated into dataDir.
       */
      initialNasAddress: textOrNull(),
      initialNasSecret: textOrNull(),
      initialNasSecretFile: textOrNull(),
      logLevel: text().default('info'),
      /** 'auto': human-readable on a terminal, JSON lines otherwise. */
      logFormat: z.enum(['auto', 'json', 'pretty'], { error: 'must be "auto", "json" or "pretty"' }).default('auto'),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? NOT_A_CONFIG_KEY : 'must be a JSON object') },
  );
}

export type ConfigSchema = ReturnType<typeof declare>;
export type Config = Zod.output<ConfigSchema>;

/** A key as an admin writes it in an error or in config/README.md: `authPort`, `accounting.flushCron`. */
export type ConfigPath = {
  [K in keyof Config & string]: Config[K] extends Record<string, unknown> ? K | `${K}.${keyof Config[K] & string}` : K;
}[keyof Config & string];

/** Enough of zod's schema definitions to walk them (zod/v4/core $ZodTypeDef). */
interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode>; options?: readonly SchemaNode[] } };
}

/** Without its default, prefault, nullable and optional wrappers. */
function bare(node: SchemaNode): SchemaNode {
  let n = node;
  while (n._zod.def.innerType) n = n._zod.def.innerType;
  return n;
}

function nodeAt(path: readonly PropertyKey[]): SchemaNode | undefined {
  let n: SchemaNode | undefined = configSchema() as unknown as SchemaNode;
  for (const k of path) n = n && typeof k === 'string' ? bare(n)._zod.def.shape?.[k] : undefined;
  return n && bare(n);
}

/** The keys of the object at `path` ([] for the top level), for suggestions in errors. */
export function keysAt(path: readonly PropertyKey[]): string[] {
  return Object.keys(nodeAt(path)?._zod.def.shape ?? {});
}

/** Whether the key at `path` takes a number (alone or among other choices): environment values are strings. */
export function takesNumber(path: string): boolean {
  const n = nodeAt(path.split('.'));
  return n !== undefined && (n._zod.def.type === 'number' || (n._zod.def.options ?? []).some((o) => bare(o)._zod.def.type === 'number'));
}

let schema: ConfigSchema | undefined;

/**
 * The schema, built on first use. Importing zod costs more than the rest of
 * `radassoc --help` (about 100 ms of CPU) and every command imports this module,
 * so zod is loaded only once configuration is validated; require() keeps
 * loadConfig synchronous.
 */
export function configSchema(): ConfigSchema {
  schema ??= declare((createRequire(import.meta.url)('zod') as typeof Zod).z);
  return schema;
}

let defaults: Config | undefined;
const deepFreeze = <T>(o: T): T => {
  if (typeof o === 'object' && o !== null) for (const v of Object.values(Object.freeze(o))) deepFreeze(v);
  return o;
};
const frozenDefaults = (): Config => (defaults ??= deepFreeze(configSchema().parse({})));

/**
 * Every default, as the schema declares them: a read-only view computed on
 * first read, so that importing this module does not load zod. Spread it to
 * change a key (`{ ...DEFAULT_CONFIG, httpPort: 0 }`).
 */
export const DEFAULT_CONFIG: Config = new Proxy({} as Config, {
  get: (_t, k) => Reflect.get(frozenDefaults(), k),
  has: (_t, k) => Reflect.has(frozenDefaults(), k),
  ownKeys: () => Reflect.ownKeys(frozenDefaults()),
  // A proxy may only report a property its (empty) target lacks as configurable.
  getOwnPropertyDescriptor: (_t, k) => {
    const d = Reflect.getOwnPropertyDescriptor(frozenDefaults(), k);
    return d && { ...d, configurable: true };
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
});
