/**
 * NAS clients by source address, served from memory. Single addresses hit a
 * Map; CIDR blocks are scanned longest prefix first and the answer memoised,
 * so the hot path is one Map lookup either way.
 */
import type { NasClient } from '../domain/nas.js';
import { cidrContains, isSingleAddress, parseAddress, parseCidr, unmapIPv4, type Cidr } from '../net/ip.js';
import type { NasTenancy } from './tenant-routing.js';

/**
 * A NAS as the server uses it: the shared secret as octets, converted once
 * when the directory is loaded rather than on each of the several digests
 * every request needs (and the key of the HMAC-MD5 pad cache, md5.ts).
 * `tenancy`: owned by one tenant or shared by several; absent when not
 * loaded (the default tenant's, as before tenancy).
 */
export type ServedNas = Omit<NasClient, 'secret'> & { readonly secret: Buffer; readonly tenancy?: NasTenancy };

const MEMO_LIMIT = 65_536;

export class NasDirectory {
  private exact = new Map<string, ServedNas>();
  private blocks: Array<{ cidr: Cidr; nas: ServedNas }> = [];
  private memo = new Map<string, ServedNas | null>();
  private byName = new Map<string, ServedNas>();

  constructor(clients: readonly NasClient[] = []) {
    this.replaceAll(clients);
  }

  replaceAll(clients: readonly NasClient[]): void {
    const exact = new Map<string, ServedNas>();
    const blocks: Array<{ cidr: Cidr; nas: ServedNas }> = [];
    const byName = new Map<string, ServedNas>();
    for (const client of clients) {
      const nas: ServedNas = { ...client, secret: Buffer.from(client.secret, 'utf8') };
      byName.set(nas.name, nas);
      const parsed = parseCidr(nas.address);
      if (!parsed.ok) continue;
      const cidr = parsed.value;
      // Keyed by canonical text: PostgreSQL's form, which the address column holds.
      if (isSingleAddress(cidr)) exact.set(cidr.address, nas);
      else blocks.push({ cidr, nas });
    }
    blocks.sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength);
    this.exact = exact;
    this.blocks = blocks;
    this.byName = byName;
    this.memo = new Map();
  }

  /** The NAS allowed to send from this address, or undefined (silent drop). */
  lookup(sourceAddress: string): ServedNas | undefined {
    const hit = this.exact.get(sourceAddress);
    if (hit) return hit;
    const memo = this.memo.get(sourceAddress);
    if (memo !== undefined) return memo ?? undefined;
    return this.scan(sourceAddress);
  }

  byNameOf(name: string): ServedNas | undefined {
    return this.byName.get(name);
  }

  all(): ServedNas[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }

  private scan(sourceAddress: string): ServedNas | undefined {
    const addr = unmapIPv4(sourceAddress);
    let found: ServedNas | null = addr !== sourceAddress ? (this.exact.get(addr) ?? null) : null;
    if (!found) {
      const bytes = parseAddress(addr);
      if (bytes) found = this.blocks.find((b) => cidrContains(b.cidr, bytes))?.nas ?? null;
    }
    // Memoise misses too: an unknown source flooding us costs one Map lookup.
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(sourceAddress, found);
    return found ?? undefined;
  }
}
