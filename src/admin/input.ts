/**
 * What admins type, parsed and checked before the database is opened:
 * passwords (flag or stdin, never echoed), --auth method lists, "none" to
 * clear a field, whole numbers. Every refusal is one line that says what to do.
 */
import { ALL_AUTH_METHODS, type AuthMethod } from '../domain/member.js';
import { validatePassword } from '../auth/credentials.js';
import { isIsoDate } from '../domain/validate.js';
import { RadassocError } from '../errors.js';

const invalid = (message: string): RadassocError => new RadassocError('INVALID_ARGUMENT', message);

/** `--auth all` or a comma list such as `pap,chap,mschapv2`; canonical order, no repeats. */
export function parseAuthMethods(text: string): AuthMethod[] {
  const parts = text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === 'all') return [...ALL_AUTH_METHODS];
  const bad = parts.filter((p) => !ALL_AUTH_METHODS.includes(p as AuthMethod));
  if (parts.length === 0 || bad.length > 0) {
    const what = bad.length > 0 ? `unknown auth method ${bad.map((b) => `'${b}'`).join(', ')}` : 'no auth method given';
    throw invalid(`${what}; use --auth all or a comma list of ${ALL_AUTH_METHODS.join(', ')}`);
  }
  return ALL_AUTH_METHODS.filter((m) => parts.includes(m));
}

/** "none" (any case) clears a field: null. undefined when the flag was not given. */
export function orNone(text: string | undefined): string | null | undefined {
  if (text === undefined) return undefined;
  return text.trim().toLowerCase() === 'none' ? null : text;
}

/** A whole number ≥ 1 from a flag or a CSV field. */
export function parseCount(text: string, what: string): number {
  const t = text.trim();
  if (!/^[0-9]{1,10}$/.test(t) || Number(t) < 1 || Number(t) > 2 ** 31 - 1) {
    throw invalid(`${what} must be a whole number of at least 1 (got '${text}')`);
  }
  return Number(t);
}

/** `--auth` text for a method list: `all` when it is every method. */
export function authText(methods: readonly AuthMethod[]): string {
  return ALL_AUTH_METHODS.every((m) => methods.includes(m)) ? 'all' : methods.join(',');
}

/** A calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function parseDate(text: string, what: string): string {
  const t = text.trim();
  if (!isIsoDate(t)) {
    const why = /^\d{4}-\d{2}-\d{2}$/.test(t) ? 'is not a day of the calendar' : 'is not a date in the form YYYY-MM-DD';
    throw new RadassocError('INVALID_DATE', `${what}: '${text}' ${why}; write e.g. 2026-12-31`);
  }
  return t;
}

/** Refuses a password that cannot be stored, saying why without quoting it. */
export function checkPassword(pw: string): string {
  const problem = validatePassword(pw);
  if (problem !== null) throw new RadassocError('INVALID_PASSWORD', `${problem}; choose another password`);
  return pw;
}

export interface SecretFlags {
  /** The value given on the command line, if any. */
  value: string | undefined;
  /** Whether --<name>-stdin was given. */
  stdin: boolean;
  /** Flag name without dashes: 'password' or 'secret'. */
  name: string;
}

/**
 * A password or shared secret from `--<name> X` or `--<name>-stdin` (exactly
 * one): stdin gives its first line without the line ending. On a terminal
 * the characters are not echoed.
 */
export async function readSecretFlag(flags: SecretFlags): Promise<string> {
  const { name } = flags;
  if (flags.value !== undefined && flags.stdin) {
    throw invalid(`give the ${name} either with --${name} or with --${name}-stdin, not both`);
  }
  if (flags.value !== undefined) return flags.value;
  if (!flags.stdin) throw invalid(`give the ${name} with --${name} <${name}> or --${name}-stdin (safer: it stays out of shell history)`);
  const line = process.stdin.isTTY ? await readHiddenLine(`${name}: `) : await readFirstLine();
  if (line === null) throw invalid(`--${name}-stdin: nothing came on standard input; pipe the ${name} in, e.g. printf '%s\\n' "$PW" | radassoc ...`);
  return line;
}

/** The first line of a piped stdin (CRLF or LF stripped), or null when stdin is empty. */
function readFirstLine(): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stdin = process.stdin;
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.off('error', reject);
      stdin.pause();
      const all = Buffer.concat(chunks).toString('utf8');
      if (all === '') return resolve(null);
      const nl = all.indexOf('\n');
      resolve((nl === -1 ? all : all.slice(0, nl)).replace(/\r$/, ''));
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      if (c.includes(0x0a)) finish();
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('error', reject);
  });
}

/** Prompts on stderr and reads a line from the terminal without echoing it. */
function readHiddenLine(prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    let text = '';
    const done = (value: string | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(text);
        if (ch === '\u0003') {
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u0004') return done(text === '' ? null : text);
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

