/**
 * How the CLI shows the outcome of lifecycle operations: what was changed
 * and, for every live session, what the NAS answered. Shared by `member
 * suspend|resume|set`, `disconnect` and `dues run`. With --json the report is
 * printed as JSON only, on stdout.
 */
import { describeAttempt, type DisconnectAttempt } from '../coa/disconnect.js';
import type { LapsingMember } from '../lifecycle/dues.js';
import type { MemberChangeReport, ResumeReport, SuspendReport } from '../services/lifecycle.js';
import { attemptRecord } from '../services/sessions.js';
import { memberView } from '../lifecycle/member-view.js';
import { ERROR_MESSAGES } from '../error-messages.js';
import { printRecord, printRows, type Row } from './output.js';

export const attemptView = (a: DisconnectAttempt): Row => attemptRecord(a);

/** Lines for people: one per session (or `none`). Unknown live sessions are a warning on stderr instead. */
export function attemptLines(attempts: readonly DisconnectAttempt[], sessionsError: string | null, none: string): string[] {
  if (sessionsError !== null) {
    process.stderr.write(`radassoc: warning: live sessions unknown, none disconnected: ${sessionsError}\n`);
    return [];
  }
  if (attempts.length === 0) return none === '' ? [] : [none];
  return attempts.map((a) => `  ${describeAttempt(a)}`);
}

/**
 * True when every Disconnect/CoA sent was acknowledged: the caller sets a
 * non-zero exit code otherwise. Live sessions that could not be read (no
 * daemon running, Redis down) are reported as a warning, not a failure: the
 * change asked for was made, and nothing was sent that could fail.
 */
export const allAcknowledged = (attempts: readonly DisconnectAttempt[]): boolean => attempts.every((a) => a.outcome === 'ack');

/**
 * After a disconnect whose result is already printed: the sessions not
 * confirmed, in the catalogue's words, on stderr, and exit code 1. Not a
 * thrown refusal: the requests went out, and the result above says which NAS
 * answered what.
 */
export function reportUnconfirmed(attempts: readonly DisconnectAttempt[]): void {
  const failed = attempts.filter((a) => a.outcome !== 'ack').length;
  if (failed === 0) return;
  const { text, hint } = ERROR_MESSAGES.DISCONNECT_FAILED({ failed, total: attempts.length });
  process.stderr.write(`radassoc: ${hint ? `${text}; ${hint}` : text}
`);
  process.exitCode = 1;
}

function write(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function printSuspendReport(r: SuspendReport, json: boolean): void {
  if (json) {
    printRecord({ ...memberView(r.after), changed: r.changed, disconnects: r.disconnects.map(attemptView), sessions_error: r.sessionsError }, true);
    return;
  }
  const head = r.changed
    ? `suspended member ${r.username}: ${r.after.suspendedReason ?? ''}`
    : `member ${r.username} was already suspended (${r.after.suspendedReason ?? ''}); nothing changed`;
  write([head, ...attemptLines(r.disconnects, r.sessionsError, '  no live session to disconnect')]);
}

export function printResumeReport(r: ResumeReport, json: boolean): void {
  if (json) {
    printRecord({ ...memberView(r.after), changed: r.changed, pushed: r.pushed.map(attemptView), sessions_error: r.sessionsError }, true);
    return;
  }
  const head = r.changed ? `resumed member ${r.username}` : `member ${r.username} was not suspended; nothing changed`;
  write([head, ...attemptLines(r.pushed, r.sessionsError, '')]);
}

/** After `member set`: what followed the change, if anything (prints nothing when nothing followed, without --json). */
export function memberChangeLines(r: MemberChangeReport): string[] {
  const out: string[] = [];
  if (r.resumed?.changed) out.push(`resumed member ${r.resumed.username}: the new paid-until covers today`);
  if (r.stillLapsed) out.push('still suspended for dues: the new paid-until is past too (plus grace)');
  const pushed = r.resumed?.pushed.length ? r.resumed.pushed : r.pushed;
  if (pushed.length > 0) out.push('live sessions:', ...attemptLines(pushed, null, ''));
  if (r.sessionsError !== null) out.push(`live sessions unknown, none updated: ${r.sessionsError}`);
  return out;
}

export function memberChangeView(r: MemberChangeReport): Row {
  return {
    resumed: r.resumed?.changed ?? false,
    still_lapsed: r.stillLapsed,
    pushed: [...(r.resumed?.pushed ?? []), ...r.pushed].map(attemptView),
    sessions_error: r.sessionsError,
  };
}

export const LAPSING_COLUMNS = ['username', 'paid_until', 'days_left', 'suspends_on', 'plan'] as const;

export function printLapsing(rows: readonly LapsingMember[], json: boolean): void {
  printRows(
    rows.map((m) => ({ username: m.username, paid_until: m.paidUntil, days_left: m.daysLeft, suspends_on: m.suspendsOn, plan: m.plan })),
    LAPSING_COLUMNS,
    json,
  );
}
