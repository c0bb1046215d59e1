/**
 * Authentication log entries encoded, as they arrive, into the JSON text the
 * batch INSERT reads (auth-log.ts): one growable byte buffer per batch and
 * the end offset of each row, no object kept per entry.
 *
 * Why bytes: at tens of thousands of requests a second, entries held as
 * objects (or strings) until their batch is written survive a scavenge or
 * two and get promoted; copying and later compacting them showed up as GC
 * pauses in the p99 latency of every request. Bytes in a Buffer live outside
 * the JavaScript heap: the collector never copies or marks them.
 */
import type { AuthLogEntry } from '../domain/auth-result.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const HEX = '0123456789abcdef';
const NULL_TEXT = Buffer.from('null');

export class AuthLogRows {
  #bytes: Buffer;
  /** ends[i] = offset just past row i's trailing comma. */
  #ends: Int32Array;
  #first = 0;
  #count = 0;
  #at = 0;

  constructor(initialBytes = 16 * 1024) {
    this.#bytes = Buffer.allocUnsafeSlow(initialBytes);
    this.#ends = new Int32Array(256);
  }

  static of(entries: readonly AuthLogEntry[]): AuthLogRows {
    const rows = new AuthLogRows();
    for (const e of entries) rows.append(e);
    return rows;
  }

  /** Rows held (appended and not dropped). */
  get size(): number {
    return this.#count - this.#first;
  }

  /**
   * Appends `[ms,"user","nas","method","result",reason,calling,class,tenant],`: the column order of
   * the INSERT. The tenant is left out when none was determined (the INSERT reads it as NULL).
   */
  append(e: AuthLogEntry): void {
    this.#byte(0x5b); // [
    this.#ascii(String(e.time.getTime()));
    this.#field(e.username);
    this.#field(e.nas);
    this.#field(e.method);
    this.#field(e.result);
    this.#field(e.reason);
    this.#field(e.callingStationId);
    this.#field(e.classId);
    if (typeof e.tenantId === 'number' && Number.isInteger(e.tenantId)) {
      this.#byte(COMMA);
      this.#ascii(String(e.tenantId));
    }
    this.#byte(0x5d); // ]
    this.#byte(COMMA);
    if (this.#count === this.#ends.length) {
      const ends = new Int32Array(this.#ends.length * 2);
      ends.set(this.#ends);
      this.#ends = ends;
    }
    this.#ends[this.#count++] = this.#at;
  }

  /** Forgets the oldest row still held (the writer's bound on what it buffers). */
  dropOldest(): void {
    if (this.size > 0) this.#first++;
  }

  /** The rows held, as one JSON array of arrays. */
  json(): string {
    if (this.size === 0) return '[]';
    const start = this.#first === 0 ? 0 : this.#ends[this.#first - 1]!;
    // Without the last row's trailing comma.
    return `[${this.#bytes.toString('utf8', start, this.#at - 1)}]`;
  }

  /** Empties the batch for reuse, keeping its buffers. */
  clear(): void {
    this.#first = 0;
    this.#count = 0;
    this.#at = 0;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#bytes.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.#bytes.length * 2, this.#at + n));
    this.#bytes.copy(bigger, 0, 0, this.#at);
    this.#bytes = bigger;
  }

  /** A comma, then the value as a JSON string or null. */
  #field(s: string | null): void {
    this.#byte(COMMA);
    this.#string(s);
  }

  #byte(b: number): void {
    this.#room(1);
    this.#bytes[this.#at++] = b;
  }

  #ascii(s: string): void {
    this.#room(s.length);
    this.#at += this.#bytes.write(s, this.#at, 'latin1');
  }

  /**
   * A JSON string (RFC 8259 §7) or null. ASCII, the usual case, is written
   * byte by byte; anything else goes through JSON.stringify. NUL becomes
   * U+FFFD: PostgreSQL text cannot hold it, and jsonb refuses \u0000, which
   * would lose the whole batch.
   */
  #string(s: string | null): void {
    if (s === null) {
      this.#room(4);
      this.#at += NULL_TEXT.copy(this.#bytes, this.#at);
      return;
    }
    this.#room(s.length * 6 + 2); // worst case for ASCII: every character a \u00XX escape
    const b = this.#bytes;
    let at = this.#at;
    b[at++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === 0) return this.#unicode(s);
      if (c === QUOTE || c === BACKSLASH) {
        b[at++] = BACKSLASH;
        b[at++] = c;
      } else if (c < 0x20) {
        b[at++] = BACKSLASH;
        b[at++] = 0x75; // u
        b[at++] = 0x30;
        b[at++] = 0x30;
        b[at++] = HEX.charCodeAt(c >> 4);
        b[at++] = HEX.charCodeAt(c & 15);
      } else {
        b[at++] = c;
      }
    }
    b[at++] = QUOTE;
    this.#at = at;
  }

  #unicode(s: string): void {
    const json = JSON.stringify(s.replaceAll('\u0000', '\ufffd'));
    this.#room(Buffer.byteLength(json));
    this.#at += this.#bytes.write(json, this.#at, 'utf8');
  }
}
