/**
 * `radassoc audit [--user U] [--target T] [--limit N]`: who changed what and
 * when, newest first, with what changed (the stored before/after never holds
 * a secret: db/audit.ts redacts them).
 */
import type { Argv } from 'yargs';
import type { AuditEntry, JsonValue } from '../db/audit.js';
import { DEFAULT_AUDIT_LIMIT, listAuditLog } from '../services/audit.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRows } from './output.js';

const isObject = (v: JsonValue): v is { [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: JsonValue | undefined): string => (v === undefined || v === null ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** "status: active → suspended; suspended_reason: - → dues lapsed", or the whole record for an add/remove. */
export function describeChange(e: AuditEntry): string {
  const { before, after } = e;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    return changed.length === 0 ? 'no change' : changed.map((k) => `${k}: ${text(before[k])} → ${text(after[k])}`).join('; ');
  }
  if (after !== null) return `→ ${text(after)}`;
  if (before !== null) return `was ${text(before)}`;
  return '';
}

export function registerAudit(cli: Argv<GlobalArgs>): void {
  cli.command(
    'audit',
    'list admin actions, newest first: who, what, when, before and after (--all-tenants: every tenant\'s, marked)',
    (y) =>
      y
        .option('user', { type: 'string', describe: 'only actions on this member' })
        .option('target', { type: 'string', describe: 'only actions on this object, e.g. nas:lns1 or plan:fibre' })
        .option('limit', { type: 'number', default: DEFAULT_AUDIT_LIMIT, describe: 'how many entries' }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const scope = await ctx.readScope();
        const all = scope.tenant === 'all';
        const entries = await listAuditLog(ctx, scope, {
          ...(argv.user !== undefined ? { username: argv.user } : {}),
          ...(argv.target !== undefined ? { target: argv.target } : {}),
          limit: argv.limit,
        });
        // With --all-tenants each row says whose it is (null / '-': the deployment's own).
        const tenant = (e: (typeof entries)[number]): { tenant?: string | null } => (all ? { tenant: e.tenant ?? null } : {});
        if (ctx.json) {
          printRows(
            entries.map((e) => ({ id: e.id, ...tenant(e), time: e.time.toISOString(), actor: e.actor, action: e.action, target: e.target, before: e.before, after: e.after })),
            [],
            true,
          );
        } else {
          const rows = entries.map((e) => ({ ...tenant(e), time: e.time.toISOString().slice(0, 19).replace('T', ' '), actor: e.actor, action: e.action, target: e.target, change: describeChange(e) }));
          printRows(rows, [...(all ? ['tenant'] : []), 'time', 'actor', 'action', 'target', 'change'], false);
        }
      });
    },
  );
}
