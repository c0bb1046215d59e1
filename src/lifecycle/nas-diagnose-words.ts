/**
 * Plain words for `nas diagnose`: what to check for each outcome seen, and
 * the text layout. Kept apart from the gathering (nas-diagnose.ts) so the
 * wording can change in one place.
 */
import { dropSummary } from '../domain/drop-causes.js';
import type { NasDiagnosis } from './nas-diagnose.js';
import { plural, when } from './diagnose-words.js';

const INDENT = '  ';

/** What to do about one drop reason; null when another reason's advice covers it. */
function dropAdvice(reason: string, d: NasDiagnosis): string | null {
  const nas = d.nas?.name ?? d.source;
  switch (reason) {
    case 'bad-message-authenticator':
    case 'bad-authenticator':
      return `The shared secret differs between the NAS and radassoc (NAS ${nas}): set the same one on both.`;
    case 'missing-message-authenticator':
      return (
        'Enable Message-Authenticator in the RADIUS settings of the NAS (BlastRADIUS protection; a monitoring tool sending Status-Server needs it too). ' +
        'If the NAS cannot send it, add it with `--require-message-authenticator false`, and replace it soon.'
      );
    case 'proxy-state-without-message-authenticator':
      return 'Requests carry Proxy-State but no Message-Authenticator (a proxy between the NAS and radassoc?): radassoc drops them (BlastRADIUS rule); enable Message-Authenticator on the NAS and on the proxy.';
    case 'malformed-message-authenticator':
    case 'duplicate-message-authenticator':
      return 'The NAS sends a broken Message-Authenticator: check its firmware and RADIUS settings.';
    case 'unknown-nas':
      return (
        `No NAS is configured for ${d.source}: if it is your equipment, add it with \`radassoc nas add NAME --ip ${d.source} --secret ...\`; ` +
        'if not, something else is sending to the RADIUS ports (a firewall can keep it out).'
      );
    case 'unexpected-code':
      return 'Requests reach the wrong port: the NAS must send authentication to port 1812 and accounting to port 1813 (or the ports radassoc was started with).';
    case 'overload':
      return 'The NAS sent more than its share of the server (a mass reconnect?): the excess was dropped so that it fails over to another server.';
    default:
      return 'Packets from this source are not well-formed RADIUS: check that a RADIUS client sends them, to the right port, and its firmware.';
  }
}

export function nasAdvice(d: NasDiagnosis): string[] {
  const refusedTotal = Object.values(d.refused).reduce((a, b) => a + b, 0);
  if (d.answered + d.unanswered + d.dropped_total + refusedTotal === 0) {
    return [
      `No requests seen in the last hour${d.last_request_at ? ` (the last one ${when(Date.parse(d.last_request_at))})` : ''}: ` +
        "check the NAS points at this server's address and ports 1812/1813 and that no firewall drops UDP.",
    ];
  }
  const out: string[] = [];
  const byCount = Object.entries(d.dropped).sort((a, b) => b[1] - a[1]);
  for (const [reason] of byCount) {
    const advice = dropAdvice(reason, d);
    if (advice && !out.includes(advice)) out.push(advice);
  }
  const unreadable = d.refused['malformed-credentials'] ?? 0;
  if (unreadable > 0) {
    out.push(
      `${plural(unreadable, 'login')} carried a password that could not be read: the shared secret is probably wrong ` +
        '(without Message-Authenticator, a wrong secret garbles the PAP password instead of being detected).',
    );
  }
  const wrong = d.refused['bad-password'] ?? 0;
  if (wrong > 0 && wrong * 2 >= d.answered) {
    out.push(
      `${plural(wrong, 'login')} refused for a wrong password: if every member on this NAS is refused, the shared secret is probably wrong ` +
        '(PAP without Message-Authenticator cannot tell a wrong secret from a wrong password).',
    );
  }
  if (d.unanswered > 0) {
    out.push(`${plural(d.unanswered, 'request')} not answered: the session store or the database was unavailable (see the daemon's log and /healthz); the NAS retransmits meanwhile.`);
  }
  if (out.length === 0) out.push('Every request in the last hour was answered: the NAS side looks right; for one member, see `radassoc diagnose USER`.');
  return out;
}

function counts(rec: Record<string, number>, words: (k: string) => string | null): string[] {
  return Object.entries(rec)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => {
      const w = words(k);
      return `${n} ${k}${w ? `: ${w}` : ''}`;
    });
}

export function formatNasDiagnosis(d: NasDiagnosis): string {
  const head = d.nas
    ? `NAS ${d.nas.name} (${d.nas.address}, Message-Authenticator ${d.nas.require_message_authenticator ? 'required' : 'not required'})`
    : `Source ${d.source} (no NAS is configured for it)`;
  const field = (k: string, v: string): string => `${INDENT}${`${k}:`.padEnd(15)}${v}`;
  const out = [head, field('last request', d.last_request_at ? when(Date.parse(d.last_request_at)) : 'none in the last day')];
  out.push(field(`last ${d.window_minutes} min`, `${d.answered} answered, ${d.dropped_total} dropped, ${d.unanswered} not answered`));
  const dropped = counts(d.dropped, dropSummary);
  if (dropped.length) out.push(field('dropped', dropped[0]!), ...dropped.slice(1).map((l) => `${INDENT}${' '.repeat(15)}${l}`));
  const refused = counts(d.refused, () => null);
  if (refused.length) out.push(field('refused', refused.join(', ')));
  if (d.last_drop) out.push(field('last drop', `${when(Date.parse(d.last_drop.at))}, ${d.last_drop.reason}: ${d.last_drop.cause}`));
  out.push('', 'What to check', ...d.advice.map((a) => `${INDENT}- ${a}`));
  return `${out.join('\n')}\n`;
}
