/**
 * The pino root logger. JSON lines with context (nas, user, packet id); secrets
 * are removed by configuration, not by hand at each call site. On a terminal
 * the same records are printed for a human (pino-pretty); redaction happens
 * while pino serialises, before either format sees the record.
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
  'legacyHash',
  '*.secret',
  '*.password',
  '*.cleartext',
  '*.ntHash',
  '*.strongHash',
  '*.legacyHash',
  'credential',
  '*.credential',
  'databaseUrl',
  'redisUrl',
  '*.databaseUrl',
  '*.redisUrl',
  'initialNasSecret',
  '*.initialNasSecret',
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

export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * `auto` is pretty on a terminal only: a pipe, journald or a container's log
 * driver gets JSON lines, what log shippers and our tests parse.
 */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTerminal ? 'pretty' : 'json';
  return format;
}

export interface ConsoleLoggerOptions {
  format: LogFormat;
  /** 1 for stdout, 2 for stderr. */
  fd: 1 | 2;
  /** JSON writes: asynchronous for the daemon (never blocks answering), synchronous for short-lived processes. */
  sync: boolean;
}

/**
 * A logger on stdout or stderr in the format asked for. pino-pretty is loaded
 * only when used (the CLI starts without it), and runs as a synchronous stream
 * in this thread rather than as a transport: no worker thread to start or to
 * flush at exit, lines stay in order with what the daemon writes to stderr,
 * and a terminal is read at try-out rates, not production ones.
 */
export async function createConsoleLogger(level: string, opts: ConsoleLoggerOptions): Promise<Logger> {
  const stream = opts.fd === 1 ? process.stdout : process.stderr;
  if (resolveLogFormat(opts.format, stream.isTTY === true) === 'json') {
    return createLogger(level, pino.destination({ dest: opts.fd, sync: opts.sync }));
  }
  return createLogger(level, await prettyDestination(opts.fd, stream.isTTY === true));
}

/** Human-readable lines: local time, level, message, then the context fields on the same line. */
export async function prettyDestination(destination: number | NodeJS.WritableStream, colorize: boolean): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({ destination, sync: true, colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname', singleLine: true });
}

/** The daemon's logger: JSON writes are asynchronous, so logging never blocks answering. */
export function createDaemonLogger(level: string, format: LogFormat = 'auto'): Promise<Logger> {
  return createConsoleLogger(level, { format, fd: 1, sync: false });
}
