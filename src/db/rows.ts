/**
 * Column values as the two drivers return them: `pg` gives bigint columns as
 * strings and bytea as Buffer; PGlite gives numbers and Uint8Array. The row
 * mappers go through these so repositories return the same domain values on
 * PostgreSQL, on embedded PGlite and through the embedded socket.
 */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'bigint') return Number(v);
  throw new TypeError(`expected a number column, got ${typeof v}`);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new TypeError(`expected a text column, got ${typeof v}`);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

export function bufOrNull(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('expected a bytea column');
}

export function date(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') return new Date(v);
  throw new TypeError('expected a timestamptz column');
}

export function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : date(v);
}

export function strArray(v: unknown): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new TypeError('expected a text[] column');
}
