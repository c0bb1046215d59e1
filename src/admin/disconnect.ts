/**
 * `radassoc disconnect <username> | --session <id>`: cut live sessions at
 * their NAS (Disconnect-Request, RFC 5176 §2.1) without suspending anyone:
 * the member may log in again at once. Every attempt is recorded for
 * `diagnose`, and the command in the audit log.
 */
import type { Argv } from 'yargs';
import { disconnectSessions } from '../coa/disconnect.js';
import { insertAudit } from '../db/audit.js';
import { getMember } from '../db/members.js';
import type { Queryable } from '../db/db.js';
import type { LiveSession } from '../domain/session.js';
import { RadassocError } from '../errors.js';
import type { LiveSessionSource } from '../lifecycle/deps.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { withLifecycle } from './services-context.js';
import { allAcknowledged, attemptLines, attemptView } from './lifecycle-output.js';
import { unknownMember } from './member-common.js';
import { printRecord } from './output.js';

/** A session by our unique id, else by the NAS's Acct-Session-Id (narrowed by --nas when several NAS use it). */
async function findSession(store: LiveSessionSource, id: string, nas: string | undefined): Promise<LiveSession> {
  const byUnique = await store.getSession(id);
  if (byUnique && byUnique.stopTime === null) return byUnique;
  const open = (await store.listOpen(nas === undefined ? {} : { nas })).filter((s) => s.acctSessionId === id);
  if (open.length === 1) return open[0]!;
  if (open.length > 1) {
    throw new RadassocError('INVALID_ARGUMENT', `NAS ${open.map((s) => s.nas).join(' and ')} each have an open session ${id}; add --nas <name>`);
  }
  const ended = byUnique ? ' (it has ended)' : '';
  throw new RadassocError('UNKNOWN_SESSION', `no open session ${id}${ended}; \`radassoc diagnose <username>\` lists a member's sessions`, { session: id });
}

/**
 * The open sessions of `username`. A name that is no member is refused
 * (usually a typo), unless sessions are still open under it (a member removed
 * while online): those can still be cut.
 */
async function memberSessions(db: Queryable, store: LiveSessionSource, username: string): Promise<LiveSession[]> {
  if (await getMember(db, username)) return store.listOpen({ username });
  const leftOver = await store.listOpen({ username }).catch(() => []);
  if (leftOver.length === 0) throw unknownMember(username);
  return leftOver;
}

export function registerDisconnect(cli: Argv<GlobalArgs>): void {
  cli.command(
    'disconnect [username]',
    "cut a member's live sessions at the NAS (without suspending)",
    (y) =>
      y
        .positional('username', { type: 'string', describe: 'every open session of this member' })
        .option('session', { type: 'string', describe: 'one session: its Acct-Session-Id (as the NAS names it) or unique id' })
        .option('nas', { type: 'string', describe: 'with --session: the NAS, when several use the same Acct-Session-Id' })
        .option('reason', { type: 'string', default: 'disconnect requested', describe: 'recorded with each request' }),
    async (argv) => {
      if ((argv.username === undefined) === (argv.session === undefined)) {
        throw new RadassocError('INVALID_ARGUMENT', 'name either a member (radassoc disconnect alice) or one session (--session <id>), not both');
      }
      await withContext(argv, async (ctx) =>
        withLifecycle(ctx, async (deps) => {
          const sessions =
            argv.session !== undefined ? [await findSession(deps.store, argv.session, argv.nas)] : await memberSessions(ctx.db, deps.store, argv.username ?? '');
          const username = argv.username ?? sessions[0]?.username ?? '';
          const attempts = await disconnectSessions(deps, sessions, argv.reason);
          if (attempts.length > 0) {
            await insertAudit(ctx.db, {
              actor: ctx.actor,
              action: 'session.disconnect',
              target: `member:${username}`,
              after: { reason: argv.reason, sessions: attempts.map(attemptView) },
            });
          }
          if (ctx.json) printRecord({ username, disconnects: attempts.map(attemptView) }, true);
          else process.stdout.write(`${[`${username}:`, ...attemptLines(attempts, null, '  no open session; nothing to disconnect')].join('\n')}\n`);
          if (!allAcknowledged(attempts)) {
            const failed = attempts.filter((a) => a.outcome !== 'ack').length;
            process.stderr.write(`radassoc: ${failed} of ${attempts.length} sessions were not confirmed disconnected; see above\n`);
            process.exitCode = 1;
          }
        }),
      );
    },
  );
}
