/**
 * A refusal as JSON on stdout, for scripts that ran with --json, when the
 * refusal holds more than its message says in a line: a failed import's
 * faulty lines, each with every fault found on it. Shape:
 * {"error": {"code", "message", "faults"}}. Other refusals print nothing on
 * stdout (stderr and the exit code say it). Only fields meant for output are
 * copied: details hold context for logs.
 */
import type { RadassocError } from '../errors.js';

export interface ErrorJson {
  error: {
    code: string;
    message: string;
    /** IMPORT_FAILED: every faulty line of the file, in order, each with every fault found on it. */
    faults: unknown;
  };
}

export function errorJson(e: RadassocError): ErrorJson | null {
  if (e.code !== 'IMPORT_FAILED' || !Array.isArray(e.details.faults)) return null;
  return { error: { code: e.code, message: e.message, faults: e.details.faults } };
}
