/**
 * multipart/form-data (RFC 7578), the one form the console reads it from:
 * the CSV import's file input. Parts are split on the boundary of the
 * Content-Type (RFC 2046 §5.1.1); a part with a filename is a file, the
 * others are fields as text. Anything malformed is null: the page then says
 * the form was not understood.
 */

/** Where an uploaded form's files are in the request body, beside its text fields. */
export const FILES = '_files';

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, { filename: string; data: Buffer }>;
}

/** The boundary of a multipart/form-data Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** A header parameter's value (name="x", filename="y.csv"), quotes and backslash escapes undone. */
function param(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartForm | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: MultipartForm = { fields: {}, files: {} };
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    const after = at + delimiter.length;
    // The closing delimiter ends with "--".
    if (body.subarray(after, after + 2).toString('latin1') === '--') return out;
    if (body.subarray(after, after + 2).toString('latin1') !== '\r\n') return null;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), after);
    if (next < 0) return null;
    const part = body.subarray(after + 2, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const headers = part.subarray(0, split).toString('utf8').split('\r\n');
    const data = part.subarray(split + 4);
    const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h));
    if (!disposition || !/:\s*form-data\s*;/i.test(disposition)) return null;
    const name = param(disposition, 'name');
    if (name === null) return null;
    const filename = param(disposition, 'filename');
    if (filename !== null) out.files[name] = { filename, data: Buffer.from(data) };
    else out.fields[name] = data.toString('utf8');
    at = next + 2;
  }
}
