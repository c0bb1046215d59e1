/** Shared arrangements for the lifecycle and CoA suites. */
import { MemoryStore } from '../../src/accounting/memory-store.js';
import type { AccountingRecord } from '../../src/accounting/record.js';
import type { MinimalLogger } from '../../src/accounting/logger.js';
import type { LiveSession } from '../../src/domain/session.js';

export const silentLog: MinimalLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A log that keeps what was said, for assertions. */
export function recordingLog(): MinimalLogger & { lines: Array<{ level: string; msg: string | undefined }> } {
  const lines: Array<{ level: string; msg: string | undefined }> = [];
  const at = (level: string) => (_obj: Record<string, unknown>, msg?: string) => void lines.push({ level, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function liveSession(over: Partial<LiveSession> = {}): LiveSession {
  return {
    uniqueId: 'u-1',
    nas: 'bras1',
    acctSessionId: '81000001',
    username: 'alice',
    nasPort: 7,
    nasPortId: 'pppoe-7',
    nasIpAddress: '127.0.0.1',
    framedIp: '192.0.2.10',
    callingStationId: '00:11:22:33:44:55',
    classHex: null,
    startTime: Date.parse('2026-11-02T08:00:00Z'),
    lastUpdate: Date.parse('2026-11-02T08:00:00Z'),
    interimInterval: 300,
    sessionTime: 0,
    inputOctets: 0,
    outputOctets: 0,
    inputPackets: 0,
    outputPackets: 0,
    stopTime: null,
    terminateCause: null,
    ...over,
  };
}

/** An Accounting Start as the server hands it to the store. */
export function startRecord(over: Partial<AccountingRecord> = {}): AccountingRecord {
  return {
    nas: 'bras1',
    statusType: 'start',
    acctSessionId: '81000001',
    username: 'alice',
    nasPort: 7,
    nasPortId: 'pppoe-7',
    nasIpAddress: '127.0.0.1',
    framedIp: '192.0.2.10',
    callingStationId: null,
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
    interimInterval: 300,
    receivedAt: Date.now(),
    ...over,
  };
}

/** An in-process store holding the sessions these records open. */
export async function storeWith(...records: AccountingRecord[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const r of records) await store.applyRecord(r);
  return store;
}
