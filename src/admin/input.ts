/**
 * What admins type that only a command line has: passwords and secrets (flag
 * or stdin, never echoed) and "none" to clear a field. Method lists, numbers
 * and dates are read by services/field-text.ts, shared with the CSV import.
 */
import { fail } from '../errors.js';

/** "none" (any case) clears a field: null. undefined when the flag was not given. */
export function orNone(text: string | undefined): string | null | undefined {
  if (text === undefined) return undefined;
  return text.trim().toLowerCase() === 'none' ? null : text;
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
    throw fail('INVALID_ARGUMENT', { problem: 'secret-flags', name, given: 'both' });
  }
  if (flags.value !== undefined) return flags.value;
  if (!flags.stdin) throw fail('INVALID_ARGUMENT', { problem: 'secret-flags', name, given: 'neither' });
  const line = process.stdin.isTTY ? await readHiddenLine(`${name}: `) : await readFirstLine();
  if (line === null) throw fail('INVALID_ARGUMENT', { problem: 'secret-flags', name, given: 'empty-stdin' });
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

