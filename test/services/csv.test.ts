import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, readCsv } from '../../src/services/csv.js';

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and knows the line each record starts on', () => {
    const text = 'username,password\r\n"a,b","say ""hi"""\r\nc,"two\r\nlines"\r\nd,e';
    expect(readCsv(text)).toEqual({
      records: [
        { line: 1, fields: ['username', 'password'] },
        { line: 2, fields: ['a,b', 'say "hi"'] },
        { line: 3, fields: ['c', 'two\r\nlines'] },
        { line: 5, fields: ['d', 'e'] },
      ],
      error: null,
    });
  });

  it('skips a BOM and blank lines, keeps empty fields and short rows, and accepts LF or CRLF', () => {
    expect(readCsv('\uFEFFé,b\n\nc,\n,\r\n\r\n\r\nlast\n').records).toEqual([
      { line: 1, fields: ['é', 'b'] },
      { line: 3, fields: ['c', ''] },
      { line: 4, fields: ['', ''] },
      { line: 7, fields: ['last'] },
    ]);
  });

  it('names the line of an unclosed quote or a stray quote, keeping the records before it', () => {
    const open = readCsv('a,b\nc,"open\nmore');
    expect(open.records).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(open.error).toEqual(new CsvSyntaxError(2, 'a quoted field is never closed; check for a missing "'));
    expect(readCsv('a,b\n\nc,d"e').error?.message).toMatch(/^line 3: a quote inside an unquoted field/);
    expect(readCsv('a,b\n"c"x,d').error?.message).toMatch(/^line 2: text after a closing quote/);
  });
});
