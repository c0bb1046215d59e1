import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/admin/csv.js';

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and knows the line each record starts on', () => {
    const text = 'username,password\r\n"a,b","say ""hi"""\r\nc,"two\r\nlines"\r\nd,e';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['username', 'password'] },
      { line: 2, fields: ['a,b', 'say "hi"'] },
      { line: 3, fields: ['c', 'two\r\nlines'] },
      { line: 5, fields: ['d', 'e'] },
    ]);
  });

  it('skips a BOM and blank lines, keeps empty fields, and accepts LF or CRLF', () => {
    expect(parseCsv('\uFEFFa,b\n\nc,\n,\r\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['c', ''] },
      { line: 4, fields: ['', ''] },
    ]);
  });

  it('names the line of an unclosed quote or a stray quote', () => {
    expect(() => parseCsv('a,b\nc,"open\nmore')).toThrowError(new CsvSyntaxError(2, 'a quoted field is never closed; check for a missing "'));
    expect(() => parseCsv('a,b\nc,d"e')).toThrowError(/^line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n"c"x,d')).toThrowError(/^line 2: text after a closing quote/);
  });
});
