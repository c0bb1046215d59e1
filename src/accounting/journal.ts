/**
 * The embedded store's durability: an append-only file of JSON lines under the
 * data directory. design.md "Durability": stored means "appended and fsynced
 * to a local journal" before the Accounting-Response (RFC 2866 §4.1).
 *
 * - Group commit: appends that arrive while a write+fsync is in flight are
 *   batched into the next single write+fsync, so throughput does not collapse
 *   to one record per disk flush.
 * - Each entry's `apply` callback runs right after its fsync, in journal
 *   order, inside the writer: memory state only ever holds durable entries and
 *   changes in the same order a replay will apply them.
 * - rewrite() (compaction after a flush to Postgres) runs in the same queue:
 *   it writes the replacement to a temp file, fsyncs, renames over the
 *   journal and fsyncs the directory, so a crash leaves the old or the new
 *   file, never a mix.
 * - A torn last line (crash mid-write, never acknowledged) is skipped on read.
 */
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Pending {
  kind: 'append';
  line: string;
  apply: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
interface Rewrite<E> {
  kind: 'rewrite';
  build: () => E[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
type Job<E> = Pending | Rewrite<E>;

export interface JournalContents<E> {
  entries: E[];
  /** Lines that did not parse (a torn tail after a crash). */
  skipped: number;
}

export class Journal<E> {
  private queue: Job<E>[] = [];
  private busy = false;
  private closed = false;
  /** Set when the file can no longer be trusted (reopen after rewrite failed): every append rejects. */
  private broken: unknown = null;
  private size: number;
  private writes = 0;
  private appended = 0;

  private constructor(
    private readonly path: string,
    private fh: FileHandle,
    size: number,
  ) {
    this.size = size;
  }

  /** Reads what the file holds (missing file: nothing) and opens it for appending. */
  static async open<E>(path: string): Promise<{ journal: Journal<E>; contents: JournalContents<E> }> {
    const contents = await Journal.read<E>(path);
    const fh = await open(path, 'a');
    const { size } = await fh.stat();
    return { journal: new Journal<E>(path, fh, size), contents };
  }

  static async read<E>(path: string): Promise<JournalContents<E>> {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 };
      throw e;
    }
    const entries: E[] = [];
    let skipped = 0;
    for (const line of raw.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as E);
      } catch {
        skipped++;
      }
    }
    return { entries, skipped };
  }

  /** write+fsync calls and entries appended so far (group commit makes the first much smaller). */
  get stats(): { writes: number; entries: number } {
    return { writes: this.writes, entries: this.appended };
  }

  /** Resolves with apply()'s result once the entry is on disk (fsynced) and applied. */
  append<T>(entry: E, apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'append', line: `${JSON.stringify(entry)}\n`, apply, resolve: resolve as (v: unknown) => void, reject });
      void this.drain();
    });
  }

  /** Replaces the whole journal with build()'s entries (built inside the writer, after all earlier appends applied). */
  rewrite(build: () => E[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'rewrite', build, resolve: resolve as (v: unknown) => void, reject });
      void this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.busy || this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
    await this.fh.close();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        if (head?.kind === 'rewrite') {
          this.queue.shift();
          await this.doRewrite(head);
          continue;
        }
        // Group commit: every append queued up to the next rewrite goes in one write+fsync.
        const batch: Pending[] = [];
        while (this.queue[0]?.kind === 'append') batch.push(this.queue.shift() as Pending);
        await this.writeBatch(batch);
      }
    } finally {
      this.busy = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (this.broken) {
      for (const p of batch) p.reject(this.broken);
      return;
    }
    const data = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
    try {
      await this.fh.write(data, 0, data.length, null);
      await this.fh.datasync();
      this.size += data.length;
      this.writes++;
      this.appended += batch.length;
    } catch (e) {
      // Not acknowledged: cut any partial write so the next append does not glue onto a torn line.
      await this.fh.truncate(this.size).catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) {
      try {
        p.resolve(p.apply());
      } catch (e) {
        p.reject(e);
      }
    }
  }

  private async doRewrite(job: Rewrite<E>): Promise<void> {
    const tmp = `${this.path}.tmp`;
    let body: Buffer;
    try {
      body = Buffer.from(job.build().map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      const out = await open(tmp, 'w');
      try {
        await out.write(body, 0, body.length, 0);
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      job.reject(e); // the old journal is intact and still open
      return;
    }
    try {
      await syncDir(dirname(this.path));
      const old = this.fh;
      this.fh = await open(this.path, 'a');
      this.size = body.length;
      await old.close().catch(() => undefined);
      job.resolve(undefined);
    } catch (e) {
      // Our handle points at the replaced file: appending there would be lost.
      this.broken = e;
      job.reject(e);
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
