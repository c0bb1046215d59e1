/** A Diagnosis as text for people: the summary, then the facts it rests on. */
import type { Diagnosis } from '../lifecycle/diagnose.js';
import { duration, methodName, octets, when } from '../lifecycle/diagnose-words.js';

const INDENT = '  ';

function table(rows: readonly string[][]): string[] {
  if (rows.length === 0) return [`${INDENT}(none)`];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => INDENT + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function memberSection(d: Diagnosis): string[] {
  const m = d.member;
  if (!m) return [];
  const plan = m.plan === null ? 'none' : `${m.plan}${m.planAttributes?.length ? ` (${m.planAttributes.map((a) => `${a.name}=${a.value}`).join(', ')})` : ''}`;
  const addresses = [m.ipv4, m.ipv6Prefix].filter((x): x is string => x !== null).join(', ') || 'from the NAS pool';
  const lines: Array<[string, string]> = [
    ['plan', plan],
    ['addresses', addresses],
    ['max sessions', m.maxSessions === null ? 'no limit' : String(m.maxSessions)],
    ['paid until', d.dues.paidUntil ?? 'not tracked'],
    ['login methods', m.serves.length ? m.serves.map(methodName).join(', ') : 'none can work'],
  ];
  return ['', 'Member', ...lines.map(([k, v]) => `${INDENT}${`${k}:`.padEnd(15)}${v}`)];
}

function sessionsSection(d: Diagnosis): string[] {
  const live =
    d.liveSessions === null
      ? [`${INDENT}unknown: ${d.liveSessionsError ?? ''}`]
      : table(d.liveSessions.map((s) => [s.nas, `session ${s.acctSessionId}`, s.framedIp ?? '-', `since ${when(Date.parse(s.startedAt))}`, `(${duration(s.seconds)})`]));
  const finished = table(
    d.finishedSessions.map((s) => [
      s.nas,
      `session ${s.acctSessionId}`,
      `${when(Date.parse(s.start))} → ${when(Date.parse(s.stop))}`,
      duration(s.seconds),
      `${octets(s.inputOctets)} in / ${octets(s.outputOctets)} out`,
      s.terminateCause ?? '-',
    ]),
  );
  return ['', 'Online now', ...live, '', 'Last finished sessions', ...finished];
}

export function formatDiagnosis(d: Diagnosis): string {
  const head = `${d.username}: ${d.found ? d.status.toUpperCase() : 'NO SUCH MEMBER'}`;
  const out = [head, ...d.summary.map((s) => `${INDENT}${s}`), ...memberSection(d)];
  out.push('', 'Last login attempts', ...table(d.logins.map((l) => [when(Date.parse(l.time)), l.nas, methodName(l.method), l.words])));
  if (d.found || d.liveSessions?.length) out.push(...sessionsSection(d));
  if (d.found || d.disconnects.length > 0) {
    out.push('', 'Last disconnect / CoA requests', ...table(d.disconnects.map((x) => [when(Date.parse(x.time)), `by ${x.actor}`, x.words])));
  }
  return `${out.join('\n')}\n`;
}
