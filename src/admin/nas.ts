/**
 * `radassoc nas add|list|show|set|remove`: the equipment allowed to send us
 * requests, each a call of the NAS services (services/nas.ts). A shared
 * secret is never printed, neither in tables nor in JSON nor in the audit
 * log: listings show its length.
 *
 * A NAS added in a tenant's scope (--tenant, RADASSOC_TENANT, or the only
 * tenant) is that tenant's. `--shared --carries a,b` makes one shared by the
 * deployment: the operator's, changed (set, remove) only with --shared and
 * without a tenant, so that no tenant's admin can alter what other tenants
 * depend on.
 */
import type { Argv } from 'yargs';
import { DISCONNECT_PROFILES } from '../coa/profiles.js';
import type { DisconnectProfile } from '../domain/nas.js';
import { fail } from '../errors.js';
import { addNas, addSharedNas, checkAddNas, listNas, removeNas, removeSharedNas, setSharedNasCarries, showNas, type NasView } from '../services/nas.js';
import type { Actor } from '../services/deps.js';
import type { AdminContext, GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readSecretFlag } from './input.js';
import { jsonReplacer, printRecord, printRows, say } from './output.js';
import { diagnoseNas, formatNasDiagnosis } from '../lifecycle/nas-diagnose.js';

const COLUMNS = ['name', 'address', 'secret_length', 'coa_port', 'require_message_authenticator', 'disconnect_profile', 'supports_coa'];

/** A tenant's table gains a `shared` column only when it sees a shared NAS; every tenant's shows owners and carried tenants. */
function columnsFor(rows: readonly NasView[], allTenants: boolean): string[] {
  if (allTenants) return [...COLUMNS, 'tenant', 'carries'];
  return rows.some((r) => r.shared) ? [...COLUMNS, 'shared'] : COLUMNS;
}

/** `--carries a,b --carries c` → ['a', 'b', 'c']. */
function tenantList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
}

interface SharedArgs {
  shared?: boolean | undefined;
  tenant?: string | undefined;
  allTenants?: boolean | undefined;
}

/** The operator acting on a shared NAS: refused with a tenant (flag or environment), which is a tenant's scope. */
function operator(argv: SharedArgs, ctx: AdminContext): Actor {
  const tenant = argv.tenant ?? process.env.RADASSOC_TENANT;
  if (tenant !== undefined && tenant !== '') throw fail('SHARED_WITH_TENANT', { tenant });
  if (argv.allTenants) throw fail('ALL_TENANTS_READ_ONLY', {});
  return { name: ctx.actor };
}

const sharedOption = { type: 'boolean', default: false, describe: 'a NAS shared by the deployment (operator only, without --tenant)' } as const;

function warn(message: string): void {
  process.stderr.write(`radassoc: warning: ${message}\n`);
}

function registerAdd(nas: Argv<GlobalArgs>): void {
  nas.command(
    'add <name>',
    'allow a NAS to send requests',
    (y) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'a name for the NAS, e.g. lns1' })
        .option('ip', { type: 'string', describe: 'source address or CIDR block (required)' })
        .option('secret', { type: 'string', describe: 'shared secret (32+ random characters recommended)' })
        .option('secret-stdin', { type: 'boolean', default: false, describe: 'read the shared secret from the first line of stdin' })
        .option('coa-port', { type: 'number', default: 3799, describe: 'UDP port for Disconnect/CoA requests (RFC 5176)' })
        .option('require-message-authenticator', { type: 'boolean', default: true, describe: 'drop Access-Requests without Message-Authenticator (BlastRADIUS)' })
        .option('disconnect-profile', { type: 'string', choices: DISCONNECT_PROFILES, default: 'generic', describe: 'how this NAS wants sessions named in Disconnect/CoA' })
        .option('supports-coa', { type: 'boolean', default: false, describe: 'push plan changes as CoA-Request (else Disconnect)' })
        .option('shared', sharedOption)
        .option('carries', { type: 'string', array: true, describe: 'with --shared: the tenants it carries, e.g. asso-a,asso-b (routed by realm)' }),
    async (argv) => {
      const address = argv.ip;
      if (address === undefined || address.trim() === '') throw fail('INVALID_ARGUMENT', { problem: 'nas-address-missing' });
      const secret = await readSecretFlag({ value: argv.secret, stdin: argv.secretStdin, name: 'secret' });
      if (!Number.isInteger(argv.coaPort)) throw fail('INVALID_ARGUMENT', { problem: 'coa-port-flag' });
      const input = {
        name: argv.name,
        address,
        secret,
        coaPort: argv.coaPort,
        requireMessageAuthenticator: argv.requireMessageAuthenticator,
        disconnectProfile: argv.disconnectProfile as DisconnectProfile,
        supportsCoa: argv.supportsCoa,
      };
      checkAddNas(input);
      const carries = tenantList(argv.carries);
      if (carries !== undefined && !argv.shared) throw fail('INVALID_ARGUMENT', { problem: 'shared-nas-carries', nas: argv.name, shared: false });
      if (argv.shared && !carries?.length) throw fail('INVALID_ARGUMENT', { problem: 'shared-nas-carries', nas: argv.name, shared: true });
      await withContext(argv, async (ctx) => {
        const { nas: added, warnings } = argv.shared
          ? await addSharedNas({ db: ctx.db }, operator(argv, ctx), { ...input, carries: carries ?? [] })
          : await addNas({ db: ctx.db }, await ctx.scope(), input);
        for (const w of warnings) warn(w.text);
        if (ctx.json) printRecord({ ...added }, true);
        else say(`added NAS ${added.name} (${added.address})`, false);
      });
    },
  );
}

/** `nas diagnose`: the reading and the words live in lifecycle/nas-diagnose*.ts. */
function registerDiagnose(nas: Argv<GlobalArgs>): void {
  nas.command(
    'diagnose <target>',
    'what a NAS (by name or address) sent in the last hour, what was dropped and why, and what to check',
    (y) => y.positional('target', { type: 'string', demandOption: true, describe: 'a NAS name, or a source address' }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const scope = await ctx.readScope();
        const d = await diagnoseNas({ db: ctx.db }, argv.target);
        // A tenant diagnoses its own NAS: another's, or a shared one's traffic of every tenant, is not its to read.
        if (scope.tenant !== 'all' && d.nas !== null && (await showNas({ db: ctx.db }, scope, d.nas.name)).shared) {
          throw fail('SHARED_NAS_OPERATOR_ONLY', { nas: d.nas.name });
        }
        process.stdout.write(ctx.json ? `${JSON.stringify(d, jsonReplacer, 2)}\n` : formatNasDiagnosis(d));
      });
    },
  );
}

/** `nas set`: the tenants a shared NAS carries (operator, --shared). */
function registerSet(nas: Argv<GlobalArgs>): void {
  nas.command(
    'set <name>',
    'change the tenants a shared NAS carries (operator, with --shared)',
    (y) =>
      y
        .positional('name', { type: 'string', demandOption: true })
        .option('shared', sharedOption)
        .option('carries', { type: 'string', array: true, describe: 'the whole list of tenants it carries, e.g. asso-a,asso-b' })
        .option('add-carries', { type: 'string', array: true, describe: 'tenants to add to the list' })
        .option('remove-carries', { type: 'string', array: true, describe: 'tenants to take off the list' }),
    async (argv) => {
      const change = { carries: tenantList(argv.carries), add: tenantList(argv.addCarries), remove: tenantList(argv.removeCarries) };
      if (change.carries === undefined && !change.add?.length && !change.remove?.length) throw fail('INVALID_ARGUMENT', { problem: 'nas-set-nothing' });
      await withContext(argv, async (ctx) => {
        if (!argv.shared) {
          // In a tenant's scope: its own NAS carries no list, a shared one is the operator's.
          const seen = await showNas({ db: ctx.db }, await ctx.scope(), argv.name);
          if (seen.shared) throw fail('SHARED_NAS_OPERATOR_ONLY', { nas: argv.name });
          throw fail('INVALID_ARGUMENT', { problem: 'shared-nas-carries', nas: argv.name, shared: false });
        }
        const after = await setSharedNasCarries({ db: ctx.db }, operator(argv, ctx), argv.name, change);
        if (ctx.json) printRecord({ ...after }, true);
        else say(`NAS ${after.name} now carries ${(after.carries ?? []).join(', ')}`, false);
      });
    },
  );
}

export function registerNas(cli: Argv<GlobalArgs>): void {
  cli.command('nas', 'NAS clients: add, list, show, set, remove, diagnose', (nas) => {
    registerAdd(nas);
    registerDiagnose(nas);
    nas.command(
      'list',
      'list NAS clients (secrets are never shown, only their length)',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const scope = await ctx.readScope();
          const rows = await listNas({ db: ctx.db }, scope);
          printRows(rows.map((r) => ({ ...r })), columnsFor(rows, scope.tenant === 'all'), ctx.json);
        });
      },
    );
    nas.command(
      'show <name>',
      'one NAS client (its secret is never shown, only its length)',
      (y) => y.positional('name', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          printRecord({ ...(await showNas({ db: ctx.db }, await ctx.readScope(), argv.name)) }, ctx.json);
        });
      },
    );
    registerSet(nas);
    nas.command(
      'remove <name>',
      'stop accepting requests from a NAS',
      (y) => y.positional('name', { type: 'string', demandOption: true }).option('shared', sharedOption),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const { removed } = argv.shared
            ? await removeSharedNas({ db: ctx.db }, operator(argv, ctx), argv.name)
            : await removeNas({ db: ctx.db }, await ctx.scope(), argv.name);
          if (ctx.json) printRecord({ removed }, true);
          else say(`removed NAS ${removed}`, false);
        });
      },
    );
    return nas.demandCommand(1, 'Name a nas command: add, list, show, set, remove or diagnose.');
  });
}
