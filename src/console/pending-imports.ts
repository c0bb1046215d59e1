/**
 * CSV files previewed and waiting for the admin's confirmation, kept in the
 * daemon's memory: the confirm imports the very file that was previewed
 * (its sha256 checked again by the API), without sending it back through the
 * page. Each is bound to the CSRF token and the admin session of the preview,
 * so that no other browser or login can confirm it, and expires. Kept here
 * alone: with several daemons behind one address, the confirm must reach
 * the daemon that previewed (sticky sessions), else it asks for a new preview.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PendingImport {
  csv: string;
  sha256: string;
  source: string;
  count: number;
}

interface Entry extends PendingImport {
  binding: string;
  expiresAt: number;
}

const TTL_MS = 30 * 60_000;
/** Previews held at once: the oldest go first beyond this (each is up to 10 MiB). */
const MAX_ENTRIES = 16;

const bindingOf = (csrf: string, session: string): string => createHash('sha256').update(`${csrf}\u0000${session}`).digest('hex');

export class PendingImports {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps the preview; its id for the confirm form. */
  put(p: PendingImport, csrf: string, session: string): string {
    this.prune();
    while (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const id = randomBytes(18).toString('base64url');
    this.entries.set(id, { ...p, binding: bindingOf(csrf, session), expiresAt: this.now() + TTL_MS });
    return id;
  }

  /** The preview for this browser and session, or null (unknown, expired, someone else's). */
  get(id: string, csrf: string, session: string): PendingImport | null {
    this.prune();
    const e = this.entries.get(id);
    if (!e || e.binding !== bindingOf(csrf, session)) return null;
    return { csv: e.csv, sha256: e.sha256, source: e.source, count: e.count };
  }

  drop(id: string): void {
    this.entries.delete(id);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(id);
  }
}
