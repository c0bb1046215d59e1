/**
 * `radassoc requisition lookup|report`: which member had an address at an
 * instant, for an authority's request (every lookup is recorded, answered or
 * not), and the yearly counts for the transparency report. --tenant answers
 * within one tenant; --all-tenants across the deployment (the operator's).
 */
import type { Argv } from 'yargs';
import { lookupRequisition, requisitionReport, type LookupAnswer, type RequisitionMatch, type RequisitionReport } from '../services/requisitions.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { formatTable, printRecord } from './output.js';
import { withReadServices } from './services-context.js';

function describeMatch(m: RequisitionMatch): string {
  const who = m.username === null ? 'an unnamed session' : `${m.username}${m.member_id === null ? ' (no member of that name now)' : ` (member ${m.member_id})`}`;
  const port = [m.nas_port === null ? null : `port ${m.nas_port}`, m.nas_port_id === null ? null : `port id ${m.nas_port_id}`, m.line === null ? null : `line ${m.line}`].filter((p) => p !== null);
  const end = m.session_end === null ? 'still open' : `${m.session_end.utc} (${m.session_end.local})`;
  return [
    `${m.at_instant ? '' : '[within a minute, not at the instant] '}${who}, tenant ${m.tenant ?? '-'}`,
    `  NAS ${m.nas}${m.nas_address === null ? '' : ` (${m.nas_address})`}${port.length > 0 ? `, ${port.join(', ')}` : ''}`,
    `  session ${m.session}: from ${m.session_start.utc} (${m.session_start.local}) to ${end}`,
    `  matched ${m.matched.kind} ${m.matched.address}`,
  ].join('\n');
}

function printLookup(a: LookupAnswer): void {
  const lines = [
    `requisition ${a.requisition_id} (reference ${a.reference}, scope ${a.scope})`,
    `address ${a.query.ip}${a.query.port === null ? '' : `, NAS port ${a.query.port}`} at ${a.query.at.utc} (${a.query.at.local})`,
  ];
  if (a.matches.length === 0) lines.push('no session held this address at that instant, nor within a minute of it');
  else lines.push(...a.matches.map(describeMatch));
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const w of a.warnings) process.stderr.write(`warning: ${w}\n`);
}

function printReport(r: RequisitionReport): void {
  process.stdout.write(
    `requisitions in ${r.year} (scope ${r.scope}): ${r.requisitions}, ${r.with_result} with a result, ${r.without_result} without${r.failed > 0 ? ` (${r.failed} of them could not be answered)` : ''}\n\n` +
      formatTable(r.per_month.map((m) => ({ ...m })), ['month', 'requisitions', 'with_result', 'without_result', 'failed']) +
      '\n' +
      formatTable(r.per_tenant.map((t) => ({ ...t })), ['tenant', 'requisitions', 'with_result', 'without_result', 'failed']),
  );
}

export function registerRequisition(cli: Argv<GlobalArgs>): void {
  cli.command('requisition', "an authority's requisitions: lookup of an address at an instant, the yearly report", (req) => {
    req.command(
      'lookup',
      'which member had an address at an instant (recorded in the requisition log, with or without a result)',
      (y) =>
        y
          .option('ip', { type: 'string', demandOption: true, describe: 'the IPv4 or IPv6 address asked about' })
          .option('at', { type: 'string', demandOption: true, describe: 'the instant, ISO 8601 with its offset or Z: 2026-03-14T21:05:00+01:00' })
          .option('port', { type: 'string', describe: 'only sessions on this NAS-Port (CGNAT source-port ranges are not recorded)' })
          .option('ref', { type: 'string', demandOption: true, describe: "the authority's reference for the request" }),
      async (argv) => {
        await withContext(argv, (ctx) =>
          withReadServices(ctx, async (deps, scope) => {
            const a = await lookupRequisition(deps, scope, { ip: argv.ip, at: argv.at, port: argv.port ?? null, ref: argv.ref });
            if (ctx.json) printRecord({ ...a }, true);
            else printLookup(a);
          }),
        );
      },
    );
    req.command(
      'report',
      'counts for the yearly transparency report: requisitions, with and without a result, per month and per tenant',
      (y) => y.option('year', { type: 'string', demandOption: true, describe: 'the calendar year, e.g. 2026' }),
      async (argv) => {
        await withContext(argv, (ctx) =>
          withReadServices(ctx, async (deps, scope) => {
            const r = await requisitionReport(deps, scope, { year: argv.year });
            if (ctx.json) printRecord({ ...r }, true);
            else printReport(r);
          }),
        );
      },
    );
    return req.demandCommand(1, 'Name a requisition command: lookup or report.');
  });
}
