/**
 * The summary of a Diagnosis: a few sentences a volunteer can read to a
 * member on the phone, most important first, each ending with what to do
 * when there is something to do.
 */
import type { RejectReason } from '../domain/auth-result.js';
import { ALL_AUTH_METHODS } from '../domain/member.js';
import type { Diagnosis } from './diagnose.js';
import { day, duration, methodName, plural, rejectExplanation, when } from './diagnose-words.js';

export interface SummaryContext {
  replyMessages: Record<RejectReason, string>;
  restrictedPlan: string | null;
  today: string;
}

export function summarize(d: Diagnosis, ctx: SummaryContext): string[] {
  if (!d.found || !d.member) return unknownMember(d);
  return [...status(d, ctx), ...dues(d), ...methods(d), ...sessionLimit(d), ...logins(d), ...nasDrops(d), ...online(d, ctx), ...disconnects(d)];
}

/** A NAS dropping requests explains logins that never reach the log. */
function nasDrops(d: Diagnosis): string[] {
  return d.nasDrops.map(
    (x) => `NAS ${x.nas} dropped ${plural(x.dropped, 'request')} in the last hour: ${x.cause} (see \`radassoc nas diagnose ${x.nas}\`).`,
  );
}

function unknownMember(d: Diagnosis): string[] {
  const out = [`No member is named ${d.username}.`];
  const last = d.logins[0];
  if (last) {
    out.push(
      `A NAS tried this name ${plural(d.logins.length, 'time')} recently (last ${when(Date.parse(last.time))} via ${last.nas}): ` +
        "check the user name set in the member's router; it is case-sensitive.",
    );
  } else {
    out.push('No login attempt with this name was recorded either.');
  }
  return [...out, ...nasDrops(d)];
}

function status(d: Diagnosis, ctx: SummaryContext): string[] {
  const m = d.member!;
  if (d.status !== 'suspended') return ['Active: logins with the right password are accepted.'];
  const since = m.suspendedSince ? day(Date.parse(m.suspendedSince)) : 'an unknown date';
  const effect = ctx.restrictedPlan
    ? `Logins are accepted, but into the restricted plan ${ctx.restrictedPlan}.`
    : `Every login is refused with: '${ctx.replyMessages.suspended}'${/[.!?]$/.test(ctx.replyMessages.suspended) ? '' : '.'}`;
  const undo =
    m.suspensionKind === 'dues'
      ? `Suspended by the dues job: recording the payment with \`radassoc member set ${d.username} --paid-until YYYY-MM-DD\` resumes the account.`
      : `Suspended by an admin, so a payment does not lift it: \`radassoc member resume ${d.username}\` restores access at once.`;
  return [`Suspended since ${since} (reason: ${m.suspendedReason ?? 'none given'}). ${effect}`, undo];
}

function dues(d: Diagnosis): string[] {
  const { paidUntil, state, suspendsOn, graceDays } = d.dues;
  switch (state) {
    case 'untracked':
      return [];
    case 'paid':
      return [`Dues paid until ${paidUntil}.`];
    case 'grace':
      return d.status === 'active'
        ? [`Dues ran out on ${paidUntil}; unless a payment is recorded, the account is suspended on ${suspendsOn} (${plural(graceDays, 'day')} of grace).`]
        : [`Dues ran out on ${paidUntil}.`];
    case 'lapsed':
      return d.status === 'active'
        ? [`Dues lapsed (paid until ${paidUntil}, ${plural(graceDays, 'day')} of grace): the dues job suspends the account at its next run.`]
        : d.member?.suspensionKind === 'dues'
          ? []
          : [`Dues lapsed too (paid until ${paidUntil}).`];
  }
}

function methods(d: Diagnosis): string[] {
  const m = d.member!;
  if (m.serves.length === ALL_AUTH_METHODS.length) return [];
  if (m.serves.length === 0) {
    return [`No login method can work: the password kept cannot check any allowed method; set a new one with \`radassoc member passwd ${d.username}\`.`];
  }
  const others = ALL_AUTH_METHODS.filter((x) => !m.serves.includes(x)).map(methodName);
  const either = others.length > 1 ? `${others.slice(0, -1).join(', ')} or ${others[others.length - 1]}` : (others[0] ?? '');
  return [`Only ${m.serves.map(methodName).join(', ')} logins can work; a router using ${either} is refused.`];
}

function sessionLimit(d: Diagnosis): string[] {
  const max = d.member!.maxSessions;
  const n = d.liveSessions?.length ?? 0;
  if (max === null || n < max) return [];
  return [
    `At the session limit (${n} of ${max} open): new logins are refused until one ends. If the line is really down, ` +
      'the NAS never reported the end: the session is closed as stale after a few missed updates, ' +
      `or can be cut at the NAS with \`radassoc disconnect ${d.username}\`.`,
  ];
}

const ADVICE: Partial<Record<string, (d: Diagnosis, nas: string) => string>> = {
  'bad-password': (d) => `The password in the member's router does not match: type it again there, or set a new one with \`radassoc member passwd ${d.username}\`.`,
  'malformed-credentials': (_d, nas) => `Check the shared secret of NAS ${nas}: it must be the same on the NAS and in radassoc.`,
  'locked-out': () => 'Wait a few minutes: then a login with the right password works again.',
  'method-not-possible': (d) => `Let the router use PAP, or keep a password that serves every method: \`radassoc member passwd ${d.username} --auth all\`.`,
};

function logins(d: Diagnosis): string[] {
  const last = d.logins[0];
  if (!last) return ["No login attempt was recorded recently: check the member's line and router."];
  const out = [`Last login attempt ${when(Date.parse(last.time))} via ${last.nas} (${methodName(last.method)}): ${last.words}.`];
  if (last.result === 'accept') return out;
  let streak = 0;
  while (streak < d.logins.length && d.logins[streak]!.result === 'reject' && d.logins[streak]!.reason === last.reason) streak++;
  if (streak > 1) out.push(`The last ${streak} attempts were all refused: ${rejectExplanation(last.reason, last.method)}.`);
  const advice = last.reason ? ADVICE[last.reason] : undefined;
  if (advice) out.push(advice(d, last.nas));
  return out;
}

function online(d: Diagnosis, ctx: SummaryContext): string[] {
  if (d.liveSessions === null) return [`Live sessions could not be read: ${d.liveSessionsError ?? 'unknown error'}`];
  if (d.liveSessions.length === 0) {
    const f = d.finishedSessions[0];
    const ended = f ? ` The last session ended ${when(Date.parse(f.stop))} after ${duration(f.seconds)} (${f.terminateCause ?? 'no cause given'}).` : '';
    return [`Not online (no open session).${ended}`];
  }
  const list = d.liveSessions.map((s) => `${s.nas}${s.framedIp ? `, ${s.framedIp}` : ''}, for ${duration(s.seconds)}`).join('; ');
  const out = [`Online now: ${plural(d.liveSessions.length, 'session')} (${list}).`];
  if (d.status === 'suspended' && !ctx.restrictedPlan) {
    out.push(`Still online although suspended: the disconnect did not take; try again with \`radassoc disconnect ${d.username}\`.`);
  }
  return out;
}

function disconnects(d: Diagnosis): string[] {
  const last = d.disconnects[0];
  if (!last) return [];
  const what = last.kind === 'coa' ? 'CoA' : 'disconnect';
  if (last.outcome !== 'ack') return [`The last ${what} request (${when(Date.parse(last.time))}) was not confirmed: ${last.words}.`];
  const stillOpen = last.kind === 'disconnect' && d.liveSessions?.some((s) => s.uniqueId === last.uniqueId);
  if (!stillOpen) return [];
  return [
    `NAS ${last.nas} acknowledged the disconnect of session ${last.acctSessionId ?? '?'} on ${when(Date.parse(last.time))}, yet it is still open: ` +
      'either the member is really still online, because the NAS needs other attributes to find the session (check its disconnect profile), ' +
      'or the NAS cut it but its Stop record never arrived.',
  ];
}

