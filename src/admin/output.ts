/** How the CLI prints: an aligned table for people, JSON only (on stdout) with --json. */

export type Row = Record<string, unknown>;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(cell).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatTable(rows: readonly Row[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (vals: readonly string[]): string => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n') + '\n';
}

export function printRows(rows: readonly Row[], columns: readonly string[], json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(rows, jsonReplacer, 2)}\n` : formatTable(rows, columns));
}

/** One record as "key: value" lines, or JSON. */
export function printRecord(record: Row, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(record, jsonReplacer, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [k, v] of Object.entries(record)) process.stdout.write(`${`${k}:`.padEnd(width + 2)}${cell(v)}\n`);
}

/** A confirmation for people; with --json the changed record is printed instead by the caller. */
export function say(message: string, json: boolean): void {
  if (!json) process.stdout.write(`${message}\n`);
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return value;
}
