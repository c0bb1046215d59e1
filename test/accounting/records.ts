/** Accounting records for the tests: one session of nas1 / alice, times relative to T0. */
import type { AccountingRecord } from '../../src/accounting/record.js';

/** 2025-01-31 22:00:00 UTC: sessions starting here cross a month boundary. */
export const T0 = Date.UTC(2025, 0, 31, 22, 0, 0);

export function rec(over: Partial<AccountingRecord> & Pick<AccountingRecord, 'statusType'>): AccountingRecord {
  return {
    nas: 'nas1',
    acctSessionId: 'sess-1',
    username: 'alice',
    nasPort: 7,
    nasPortId: 'ppp0',
    nasIpAddress: '192.0.2.1',
    framedIp: '198.51.100.7',
    callingStationId: '00:11:22:33:44:55',
    classHex: null,
    sessionTime: null,
    inputOctets: null,
    outputOctets: null,
    inputGigawords: null,
    outputGigawords: null,
    inputPackets: null,
    outputPackets: null,
    terminateCause: null,
    eventTimestamp: null,
    delayTime: null,
    interimInterval: null,
    receivedAt: T0,
    ...over,
  };
}

/** Record fields to override, plus `startAt`: when the session began (default T0). */
type Over = Partial<AccountingRecord> & { startAt?: number };

export const start = ({ startAt = T0, ...over }: Over = {}): AccountingRecord =>
  rec({ statusType: 'start', receivedAt: startAt, ...over });

/** An Interim `secs` seconds into the session, received right then. */
export function interim(secs: number, inO: number, outO: number, { startAt = T0, ...over }: Over = {}): AccountingRecord {
  return rec({
    statusType: 'interim', sessionTime: secs, inputOctets: inO, outputOctets: outO,
    inputPackets: Math.floor(inO / 100), outputPackets: Math.floor(outO / 100), receivedAt: startAt + secs * 1000, ...over,
  });
}

/** A Stop after `secs` seconds (counters may be null: a Stop without counters). */
export function stop(secs: number, inO: number | null, outO: number | null, { startAt = T0, ...over }: Over = {}): AccountingRecord {
  return rec({
    statusType: 'stop', sessionTime: secs, inputOctets: inO, outputOctets: outO, terminateCause: 'User-Request',
    inputPackets: inO === null ? null : Math.floor(inO / 100), outputPackets: outO === null ? null : Math.floor(outO / 100),
    receivedAt: startAt + secs * 1000, ...over,
  });
}

export const accountingOn = (at: number, nas = 'nas1'): AccountingRecord =>
  rec({ statusType: 'accounting-on', nas, acctSessionId: '', username: null, receivedAt: at });

/** All orderings of a list (n! of them; keep n small). */
export function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Small deterministic PRNG (mulberry32) for the differential tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
