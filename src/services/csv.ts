/**
 * The CSV reader for `member import` (RFC 4180, through csv-parse): quoted
 * fields may hold commas, doubled quotes and line breaks; lines end in CRLF
 * or LF; a UTF-8 BOM is skipped; blank lines are ignored. Each record knows
 * the line it starts on, so every fault can name it. The column count is not
 * enforced here: the importer reports a short or long row with the others.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface CsvRead {
  /** The records read, up to a syntax error if there is one. */
  records: CsvRecord[];
  /** Where reading stopped: after a quoting mistake the rest of the file cannot be split reliably. */
  error: CsvSyntaxError | null;
}

const LF = 0x0a;
const CR = 0x0d;

/** Our words for csv-parse's quoting errors (its own name the column and position, not what to do). */
function syntaxMessage(e: CsvError): string {
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed; check for a missing "';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field; quote the whole field and double the quote ("")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote; a field is either all quoted or not at all';
    default:
      return `the file cannot be read as CSV: ${e.message}`;
  }
}

/**
 * Line numbers from byte offsets: csv-parse's `bytes` (record info) is where each
 * record ends, so the next starts there, after any blank lines it skipped.
 * (Its `info.lines` counts a CRLF inside a quoted field twice.)
 */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly buf: Buffer) {}

  /** The line of the record starting at the current offset; then moves to `end`. */
  startOfNext(end?: number): number {
    let i = this.offset;
    while (i < this.buf.length && (this.buf[i] === LF || this.buf[i] === CR)) i++;
    const start = this.lineAt(i);
    if (end !== undefined) {
      this.lineAt(end);
      this.offset = end;
    }
    return start;
  }

  private lineAt(pos: number): number {
    for (let i = this.offset; i < pos && i < this.buf.length; i++) if (this.buf[i] === LF) this.line++;
    this.offset = pos;
    return this.line;
  }
}

export function readCsv(input: string | Buffer): CsvRead {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const lines = new LineCounter(buf);
  const records: CsvRecord[] = [];
  try {
    parse(buf, {
      bom: true,
      encoding: 'utf8',
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      // Kept here rather than returned: on a syntax error, parse() throws and returns nothing.
      on_record: (record: string[], context) => {
        records.push({ line: lines.startOfNext(context.bytes), fields: record });
        return null;
      },
    });
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return { records, error: new CsvSyntaxError(lines.startOfNext(), syntaxMessage(e)) };
  }
  return { records, error: null };
}
