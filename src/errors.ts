/**
 * Every way radassoc refuses: a stable code, typed data, words from one
 * catalogue (error-messages.ts) so that the CLI, the API and the console say
 * the same thing, and the CLI exit code. Messages never carry a password or a
 * shared secret.
 */
import { ERROR_MESSAGES, type ErrorData, type ErrorWords } from './error-messages.js';

export type ErrorCode = keyof ErrorData;

export class RadassocError extends Error {
  readonly code: ErrorCode;
  /** The data the words were made from, for logs and API bodies (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;
  /** The refusal in words any front end can show: no command names in it. */
  readonly text: string;
  /** What to run next at the command line, when there is something to run; the CLI appends it to `text`. */
  readonly hint: string | null;
  /**
   * Prefer `fail(code, data)`, which takes the words from the catalogue. This
   * form is for messages that have no catalogue entry of their own yet: the
   * whole message is then the text.
   */
  constructor(code: ErrorCode, message: string | ErrorWords, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    const words = typeof message === 'string' ? { text: message, hint: null } : message;
    super(words.hint ? `${words.text}; ${words.hint}` : words.text, options);
    this.name = 'RadassocError';
    this.code = code;
    this.details = details;
    this.text = words.text;
    this.hint = words.hint;
  }
}

/** The refusal `code` with its words from the one catalogue (error-messages.ts). */
export function fail<C extends ErrorCode>(code: C, data: ErrorData[C], options?: { cause?: unknown }): RadassocError {
  // One entry's own data type; widened here, where code and data are known to match.
  const entry = ERROR_MESSAGES[code] as unknown as (d: unknown) => ErrorWords;
  return new RadassocError(code, entry(data), { ...(data as Record<string, unknown>) }, options);
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
