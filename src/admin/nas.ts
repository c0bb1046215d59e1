/**
 * `radassoc nas add|list|remove`: the equipment allowed to send us requests,
 * each a call of the NAS services (services/nas.ts). A shared secret is never
 * printed, neither in tables nor in JSON nor in the audit log: listings show
 * its length.
 */
import type { Argv } from 'yargs';
import { DISCONNECT_PROFILES } from '../coa/profiles.js';
import type { DisconnectProfile } from '../domain/nas.js';
import { fail } from '../errors.js';
import { addNas, checkAddNas, listNas, removeNas } from '../services/nas.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readSecretFlag } from './input.js';
import { jsonReplacer, printRecord, printRows, say } from './output.js';
import { diagnoseNas, formatNasDiagnosis } from '../lifecycle/nas-diagnose.js';

const COLUMNS = ['name', 'address', 'secret_length', 'coa_port', 'require_message_authenticator', 'disconnect_profile', 'supports_coa'];

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
        .option('supports-coa', { type: 'boolean', default: false, describe: 'push plan changes as CoA-Request (else Disconnect)' }),
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
      await withContext(argv, async (ctx) => {
        const { nas: added, warnings } = await addNas({ db: ctx.db }, await ctx.scope(), input);
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
        const d = await diagnoseNas({ db: ctx.db }, argv.target);
        process.stdout.write(ctx.json ? `${JSON.stringify(d, jsonReplacer, 2)}\n` : formatNasDiagnosis(d));
      });
    },
  );
}

export function registerNas(cli: Argv<GlobalArgs>): void {
  cli.command('nas', 'NAS clients: add, list, remove, diagnose', (nas) => {
    registerAdd(nas);
    registerDiagnose(nas);
    nas.command(
      'list',
      'list NAS clients (secrets are never shown, only their length)',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const rows = await listNas({ db: ctx.db });
          printRows(rows.map((r) => ({ ...r })), COLUMNS, ctx.json);
        });
      },
    );
    nas.command(
      'remove <name>',
      'stop accepting requests from a NAS',
      (y) => y.positional('name', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const { removed } = await removeNas({ db: ctx.db }, await ctx.scope(), argv.name);
          if (ctx.json) printRecord({ removed }, true);
          else say(`removed NAS ${removed}`, false);
        });
      },
    );
    return nas.demandCommand(1, 'Name a nas command: add, list, remove or diagnose.');
  });
}
