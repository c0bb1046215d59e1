/**
 * The pino root logger. JSON lines with context (nas, user, packet id); secrets
 * are removed by configuration, not by hand at each call site.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths pino censors wherever they appear in a log object. */
export const REDACT_PATHS = [
  'secret',
  'password',
  'cleartext',
  'ntHash',
  'strongHash',
  '*.secret',
  '*.password',
  '*.cleartext',
  '*.ntHash',
  '*.strongHash',
  'credential',
  '*.credential',
  'databaseUrl',
  'redisUrl',
  '*.databaseUrl',
  '*.redisUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const opts = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } };
  return destination ? pino(opts, destination) : pino(opts);
}

/** Removes the password from a connection URL so it can be logged or shown. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}

/** The daemon's logger: asynchronous writes, so logging never blocks answering. */
export function createDaemonLogger(level: string): Logger {
  return createLogger(level, pino.destination({ dest: 1, sync: false }));
}
