import { describe, expect, it } from 'vitest';
import { AuthLogRows } from '../../src/db/auth-log-rows.js';
import type { AuthLogEntry } from '../../src/domain/auth-result.js';

const entry = (username: string, extra: Partial<AuthLogEntry> = {}): AuthLogEntry => ({
  time: new Date(Date.UTC(2026, 10, 25, 10, 0, 0, 123)), username, nas: 'edge1', method: 'pap', result: 'accept',
  reason: null, callingStationId: null, classId: null, ...extra,
});

const columns = (e: AuthLogEntry): unknown[] => [e.time.getTime(), e.username, e.nas, e.method, e.result, e.reason, e.callingStationId, e.classId];

describe('authentication log rows encoded as they arrive', () => {
  it('encode each entry as the JSON row the batch INSERT reads, in arrival order', () => {
    const a = entry('alice', { classId: 'c-1' });
    const b = entry('bob', { result: 'reject', reason: 'bad-password', method: 'chap', callingStationId: '02-00-00-00-00-01' });
    expect(JSON.parse(AuthLogRows.of([a, b]).json())).toEqual([columns(a), columns(b)]);
  });

  it('escape what JSON must escape and keep any Unicode a NAS sends', () => {
    const names = ['quo"te', 'back\\slash', 'tab\there', 'bell\u0007', 'del\u007f', 'é-accent', '名前', 'emoji 🚀', 'mixed "é" \\ \n'];
    const rows = AuthLogRows.of(names.map((n) => entry(n)));
    expect((JSON.parse(rows.json()) as unknown[][]).map((r) => r[1])).toEqual(names);
  });

  it('store NUL as U+FFFD, since PostgreSQL text cannot hold it and jsonb refuses \\u0000', () => {
    const rows = AuthLogRows.of([entry('nul\u0000ascii'), entry('nul\u0000é')]);
    expect(rows.json()).not.toContain('\\u0000');
    expect((JSON.parse(rows.json()) as unknown[][]).map((r) => r[1])).toEqual(['nul\ufffdascii', 'nul\ufffdé']);
  });

  it('drop the oldest rows first and grow past their first buffer', () => {
    const rows = new AuthLogRows(64);
    const all = Array.from({ length: 1000 }, (_, i) => entry(`user${i}`.repeat(1 + (i % 7))));
    for (const e of all) rows.append(e);
    for (let i = 0; i < 400; i++) rows.dropOldest();
    expect(rows.size).toBe(600);
    expect(JSON.parse(rows.json())).toEqual(all.slice(400).map(columns));
  });

  it('are empty after clear and reusable', () => {
    const rows = AuthLogRows.of([entry('a'), entry('b')]);
    rows.clear();
    expect(rows.size).toBe(0);
    expect(rows.json()).toBe('[]');
    rows.append(entry('c'));
    expect(JSON.parse(rows.json())).toEqual([columns(entry('c'))]);
  });
});
