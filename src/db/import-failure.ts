/**
 * How a refused import is reported: every fault of every faulty line, so
 * that a spreadsheet is fixed in one pass. The message shows the first
 * SHOWN_LINES faulty lines, a fault per line of text, then how many more;
 * details.faults keeps them all, grouped by line (the CLI's --json prints
 * them). Faults never quote a password.
 */
import { RadassocError } from '../errors.js';

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
export const SHOWN_LINES = 100;

export function groupFaults(faults: readonly ImportFault[]): FaultyLine[] {
  const byLine = new Map<number, string[]>();
  for (const f of faults) {
    const problems = byLine.get(f.line);
    if (problems === undefined) byLine.set(f.line, [f.message]);
    else if (!problems.includes(f.message)) problems.push(f.message);
  }
  return [...byLine.entries()].sort(([a], [b]) => a - b).map(([line, problems]) => ({ line, problems }));
}

export function importFailure(faults: readonly ImportFault[], shown = SHOWN_LINES): RadassocError {
  const lines = groupFaults(faults);
  const text = lines.slice(0, shown).flatMap((l) => l.problems.map((p) => `line ${l.line}: ${p}`));
  const more = lines.length - shown;
  if (more > 0) text.push(`... and ${more} more faulty line${more === 1 ? '' : 's'}`);
  text.push('nothing was imported; fix the file and run the import again');
  return new RadassocError('IMPORT_FAILED', text.join('\n'), { faults: lines, faulty_lines: lines.length });
}
