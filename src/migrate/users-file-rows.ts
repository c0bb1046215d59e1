/**
 * A users file (mods-config/files/authorize) as rlm_sql rows of its users,
 * so that one fold and one plan serve both: each user entry's check items
 * become radcheck rows and its reply items radreply rows, numbered by line.
 *
 * FreeRADIUS matches entries in order and stops at the first that does not
 * say Fall-Through = Yes; a later entry of the same name after one that
 * stopped never applied and is reported. DEFAULT entries match every user:
 * they are reported, not imported (a plan or tenant attributes do that job).
 */
import type { Loss, Origin } from './import-plan.js';
import type { RadCheckRow, RlmSqlRows, RowOrigin } from './rlm-sql-rows.js';
import { parseUsersFile } from './users-file.js';

export interface UsersFileRows {
  rows: RlmSqlRows;
  losses: Loss[];
  /** Names a row's origin by its line of the file. */
  origin: (o: RowOrigin, name: string | null) => Origin;
  entries: number;
  defaults: number;
}

export function usersFileRows(text: string, file: string): UsersFileRows {
  const parsed = parseUsersFile(text);
  const losses: Loss[] = parsed.problems.map((p) => ({ table: file, id: p.line, name: null, attribute: null, reason: p.message }));
  for (const inc of parsed.includes) {
    losses.push({ table: file, id: inc.line, name: null, attribute: null, reason: `$INCLUDE ${inc.path} is not read: import that file on its own` });
  }
  const radcheck: RadCheckRow[] = [];
  const radreply: RadCheckRow[] = [];
  const lineOf = new Map<number, number>();
  const stopped = new Map<string, number>();
  let id = 0;
  let defaults = 0;
  for (const e of parsed.entries) {
    if (e.isDefault) {
      defaults++;
      const items = [...e.check, ...e.reply].map((i) => i.attribute);
      losses.push({
        table: file, id: e.line, name: 'DEFAULT', attribute: null,
        reason: `a DEFAULT entry applies to every user; radassoc does not import it${items.length > 0 ? ` (items: ${[...new Set(items)].join(', ')})` : ''}: give its reply items to a plan or the tenant`,
      });
      continue;
    }
    const before = stopped.get(e.name);
    if (before !== undefined) {
      losses.push({ table: file, id: e.line, name: e.name, attribute: null, reason: `FreeRADIUS stopped at ${e.name}'s entry on line ${before} (no Fall-Through), so this one never applied: not imported` });
      continue;
    }
    for (const [items, out] of [[e.check, radcheck], [e.reply, radreply]] as const) {
      for (const item of items) {
        id++;
        lineOf.set(id, e.line);
        out.push({ id, username: e.name, attribute: item.attribute, op: item.op, value: item.value });
      }
    }
    if (!e.fallThrough) stopped.set(e.name, e.line);
  }
  return {
    rows: { radcheck, radreply, radgroupcheck: [], radgroupreply: [], radusergroup: [] },
    losses,
    origin: (o, name) => ({ table: file, id: o.id === null ? null : (lineOf.get(o.id) ?? null), name }),
    entries: parsed.entries.length,
    defaults,
  };
}
