/** The report of `radassoc import freeradius[-users]` for people: counts, changes, losses, methods. */
import type { ImportReport } from '../migrate/import-report.js';
import type { Loss } from '../migrate/import-plan.js';
import { formatTable } from './output.js';

const counts = (c: { new: number; changed: number; unchanged: number }): string => `${c.new} new, ${c.changed} changed, ${c.unchanged} unchanged`;

function where(l: Loss): string {
  const at = l.id === null ? l.table : /\.|\//.test(l.table) ? `${l.table} line ${l.id}` : `${l.table} ${l.id}`;
  return `${at}${l.name !== null ? ` (${l.name})` : ''}${l.attribute !== null ? ` ${l.attribute}` : ''}`;
}

export function formatImportReport(r: ImportReport): string {
  const out: string[] = [];
  out.push(`import from ${r.source} into tenant ${r.tenant}${r.dry_run ? ' (dry run: nothing was changed)' : ''}`, '');
  out.push(formatTable(Object.entries(r.tables).map(([table, t]) => ({ table, rows: t.rows ?? 'no table', not_imported: t.not_imported })), ['table', 'rows', 'not_imported']).trimEnd(), '');
  out.push(`members: ${counts(r.members)}`, `plans: ${counts(r.plans)}`, `nas: ${counts(r.nas)}`);
  const s = r.sessions;
  out.push(`sessions: ${s.finished} finished (${s.new} new, ${s.already} already imported), ${s.open} open (not imported), ${s.refused} refused`, '');
  if (r.changes.length > 0) {
    out.push(r.dry_run ? 'would change:' : 'changed:');
    for (const c of r.changes) out.push(`  ${c.kind} ${c.name}: ${c.change === 'new' ? 'new' : c.fields.join(', ')}`);
    out.push('');
  }
  if (r.not_imported.length > 0) {
    out.push(`not imported (${r.not_imported.length}):`);
    for (const l of r.not_imported) out.push(`  ${where(l)}: ${l.reason}`);
    out.push('');
  }
  if (r.unknown_attributes.length > 0) {
    out.push(`attributes not understood (${r.unknown_attributes.length}): ${[...new Set(r.unknown_attributes.map((l) => l.attribute))].join(', ')}`, '');
  }
  out.push('methods that work from what was stored:');
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  out.push(formatTable(r.methods.map((m) => ({ username: m.username, password: m.password, PAP: yes(m.pap), CHAP: yes(m.chap), 'MS-CHAPv2': yes(m.mschapv2) })), ['username', 'password', 'PAP', 'CHAP', 'MS-CHAPv2']).trimEnd());
  if (r.pap_only.length > 0) {
    out.push('', `can now only use PAP (a NAS that does CHAP will reject them): ${r.pap_only.join(', ')}`);
  }
  if (r.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join('\n')}\n`;
}
