/**
 * "Attribute op value" lists as FreeRADIUS writes them in users files and
 * radcheck/radreply rows: the operators, and a tokenizer for one line of
 * comma-separated items with FreeRADIUS's quoting rules.
 */

/** Longest first, so that ":=" is not read as ":" and "=". */
export const OPERATORS = [':=', '==', '+=', '-=', '!=', '>=', '<=', '=~', '!~', '=*', '!*', '=', '>', '<'] as const;
export type Operator = (typeof OPERATORS)[number];

/** Assignments put a value in a list; every other operator compares against the request. */
export const ASSIGNMENT_OPERATORS: ReadonlySet<string> = new Set([':=', '=', '+=']);

export function isOperator(op: string): op is Operator {
  return (OPERATORS as readonly string[]).includes(op);
}

export type Quote = 'none' | 'double' | 'single' | 'back';

export interface AttributeItem {
  readonly attribute: string;
  readonly op: Operator;
  /** With quotes removed and escapes undone. */
  readonly value: string;
  /** Double-quoted and back-quoted values may hold %{...} expansions FreeRADIUS made at run time. */
  readonly quote: Quote;
}

export type ItemsEnd = 'eol' | 'comma';

export type ItemsResult =
  | { ok: true; items: AttributeItem[]; end: ItemsEnd }
  | { ok: false; items: AttributeItem[]; error: string };

const ATTRIBUTE = /[A-Za-z0-9][A-Za-z0-9_.:-]*/y;
const SPACE = /[ \t\r\f\v]*/y;

function skipSpace(line: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(line);
  return SPACE.lastIndex;
}

/**
 * A quoted string starting at `at` (the quote): its text and where it ends,
 * or null when unterminated. In double quotes \n \r \t, three octal digits
 * and backslash-anything (that character) are undone, as FreeRADIUS's
 * tokenizer does; in single and back quotes only \\ and an escaped quote.
 */
export function readQuoted(line: string, at: number): { text: string; next: number } | null {
  const q = line[at]!;
  let out = '';
  let i = at + 1;
  while (i < line.length) {
    const c = line[i]!;
    if (c === q) return { text: out, next: i + 1 };
    if (c === '\\' && i + 1 < line.length) {
      const n = line[i + 1]!;
      if (q !== '"') {
        out += n === q || n === '\\' ? n : `\\${n}`;
        i += 2;
        continue;
      }
      const octal = /^[0-7]{3}/.exec(line.slice(i + 1, i + 4));
      if (octal !== null) {
        out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
        i += 4;
        continue;
      }
      out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return null;
}

/**
 * The items of one line from `at`: "A op v, B op w" then the end of the
 * line or a '#' comment ("eol"), or a trailing comma ("comma": the list
 * goes on). Never throws: a mistake gives the items read before it and
 * what is wrong, in words.
 */
export function parseItems(line: string, at = 0): ItemsResult {
  const items: AttributeItem[] = [];
  let i = skipSpace(line, at);
  if (i >= line.length || line[i] === '#') return { ok: true, items, end: 'eol' };
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const name = ATTRIBUTE.exec(line);
    if (name === null) return { ok: false, items, error: `expected an attribute name at column ${i + 1}` };
    i = skipSpace(line, ATTRIBUTE.lastIndex);
    const op = OPERATORS.find((o) => line.startsWith(o, i));
    if (op === undefined) return { ok: false, items, error: `expected an operator (:=, =, ==, +=, ...) after ${name[0]}` };
    i = skipSpace(line, i + op.length);
    let value: string;
    let quote: Quote = 'none';
    const c = line[i];
    if (c === '"' || c === "'" || c === '`') {
      const q = readQuoted(line, i);
      if (q === null) return { ok: false, items, error: `the quoted value of ${name[0]} has no closing ${c}` };
      value = q.text;
      quote = c === '"' ? 'double' : c === "'" ? 'single' : 'back';
      i = q.next;
    } else {
      const start = i;
      while (i < line.length && !/[\s,]/.test(line[i]!)) i++;
      value = line.slice(start, i);
      if (value === '') return { ok: false, items, error: `${name[0]} ${op} has no value` };
    }
    items.push({ attribute: name[0], op, value, quote });
    i = skipSpace(line, i);
    if (i >= line.length || line[i] === '#') return { ok: true, items, end: 'eol' };
    if (line[i] !== ',') return { ok: false, items, error: `unexpected text after the value of ${name[0]} (a missing comma?)` };
    i = skipSpace(line, i + 1);
    if (i >= line.length || line[i] === '#') return { ok: true, items, end: 'comma' };
  }
}
