/**
 * The one typed configuration of radassoc, with its defaults.
 * Precedence (design.md): flags > environment > config file > defaults.
 */
import type { RejectReason } from '../domain/auth-result.js';

export interface Config {
  /** UDP port for Access-Request and Status-Server (RFC 2865). */
  authPort: number;
  /** UDP port for Accounting-Request and Status-Server (RFC 2866). */
  acctPort: number;
  /** Address to bind; null binds every IPv4 and IPv6 address. */
  bind: string | null;
  dataDir: string;
  /** Loopback HTTP for /metrics and /healthz; 0 disables it. */
  httpPort: number;
  httpHost: string;
  /** Processes answering on the same ports; 'auto' is one per core. */
  workers: number | 'auto';
  /** PostgreSQL; null runs the embedded PGlite under dataDir. */
  databaseUrl: string | null;
  /** Redis; null keeps live sessions in process (journalled under dataDir). */
  redisUrl: string | null;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** Port on 127.0.0.1 where the embedded database is served to the CLI. */
  embeddedDbPort: number;
  /** SO_RCVBUF for the UDP sockets: bursts are dropped by the kernel with the default. */
  udpReceiveBufferBytes: number;
  /** RFC 5080 §2.2.2: how long an answer stays in the duplicate cache. */
  duplicateWindowMs: number;
  /** Reply-Message per reject reason: tells a human what is wrong. */
  replyMessages: Record<RejectReason, string>;
  /** Accept suspended members into this plan (walled garden) instead of rejecting. */
  restrictedPlan: string | null;
  /** Simultaneous use when the session store cannot be read. */
  sessionLimitWhenStoreDown: 'allow' | 'deny';
  accounting: {
    flushCron: string;
    /** Close a session as stale after this many interim intervals without an update. */
    staleMultiple: number;
    /** Interim interval assumed when the NAS never said one (seconds). */
    defaultInterimInterval: number;
    reapCron: string;
  };
  dues: {
    cron: string;
    graceDays: number;
  };
  authLog: {
    /** Authentication log rows older than this many days are deleted; 0 keeps them forever. */
    retentionDays: number;
    pruneCron: string;
  };
  /**
   * The NAS created on first start (empty NAS table), e.g. the Docker host's
   * network: address or CIDR block, and its shared secret given inline or in a
   * file (a container secret); with neither, one is generated into dataDir.
   */
  initialNasAddress: string | null;
  initialNasSecret: string | null;
  initialNasSecretFile: string | null;
  lockout: {
    /** Failed attempts within windowSeconds that lock a username. */
    userThreshold: number;
    /** Failed attempts from one NAS within windowSeconds that throttle it. */
    nasThreshold: number;
    windowSeconds: number;
  };
  logLevel: string;
  /** 'auto': human-readable on a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
}

export const DEFAULT_REPLY_MESSAGES: Record<RejectReason, string> = {
  'unknown-user': 'Login incorrect: check your user name and password.',
  'bad-password': 'Login incorrect: check your user name and password.',
  suspended: 'Your account is suspended. Please contact the association.',
  'method-not-possible': 'This login method is not enabled for your account. Please contact the association.',
  'too-many-sessions': 'You are already connected the maximum number of times.',
  'locked-out': 'Too many failed logins. Please wait a few minutes and try again.',
  'malformed-credentials': 'Login incorrect: your equipment sent an invalid password.',
};

export const DEFAULT_CONFIG: Config = {
  authPort: 1812,
  acctPort: 1813,
  bind: null,
  dataDir: './radassoc-data',
  httpPort: 9812,
  httpHost: '127.0.0.1',
  workers: 1,
  databaseUrl: null,
  redisUrl: null,
  redisKeyPrefix: 'radassoc:',
  embeddedDbPort: 54329,
  udpReceiveBufferBytes: 4 * 1024 * 1024,
  duplicateWindowMs: 10_000,
  replyMessages: DEFAULT_REPLY_MESSAGES,
  restrictedPlan: null,
  sessionLimitWhenStoreDown: 'allow',
  accounting: {
    flushCron: '* * * * *',
    staleMultiple: 3,
    defaultInterimInterval: 600,
    reapCron: '*/5 * * * *',
  },
  dues: { cron: '0 3 * * *', graceDays: 7 },
  authLog: { retentionDays: 180, pruneCron: '30 3 * * *' },
  initialNasAddress: null,
  initialNasSecret: null,
  initialNasSecretFile: null,
  lockout: { userThreshold: 10, nasThreshold: 1000, windowSeconds: 300 },
  logLevel: 'info',
  logFormat: 'auto',
};
