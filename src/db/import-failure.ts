/**
 * How a refused import is reported: every fault of every faulty line, so
 * that a spreadsheet is fixed in one pass. The catalogue's words show the
 * first SHOWN_LINES faulty lines, a fault per line of text, then how many
 * more; details.faults keeps them all, grouped by line (the CLI's --json
 * prints them). Faults never quote a password.
 */
import { SHOWN_FAULTY_LINES } from '../error-messages.js';
import { fail, type RadassocError } from '../errors.js';

export interface ImportFault {
  /** 1-based line of the source file. */
  line: number;
  message: string;
}

/** One faulty line of the file and everything wrong with it, in the order found. */
export interface FaultyLine {
  line: number;
  problems: string[];
}

/** Enough to see the pattern on a screen; the rest are counted (and all are in --json). */
export const SHOWN_LINES = SHOWN_FAULTY_LINES;

export function groupFaults(faults: readonly ImportFault[]): FaultyLine[] {
  const byLine = new Map<number, string[]>();
  for (const f of faults) {
    const problems = byLine.get(f.line);
    if (problems === undefined) byLine.set(f.line, [f.message]);
    else if (!problems.includes(f.message)) problems.push(f.message);
  }
  return [...byLine.entries()].sort(([a], [b]) => a - b).map(([line, problems]) => ({ line, problems }));
}

export function importFailure(faults: readonly ImportFault[]): RadassocError {
  const lines = groupFaults(faults);
  return fail('IMPORT_FAILED', { faults: lines, faulty_lines: lines.length });
}
