/**
 * `radassoc nas add|list|remove`: the equipment allowed to send us requests.
 * A shared secret is never printed, neither in tables nor in JSON nor in the
 * audit log: listings show its length.
 */
import type { Argv } from 'yargs';
import { DISCONNECT_PROFILES } from '../coa/profiles.js';
import { insertAudit } from '../db/audit.js';
import { getNas, insertNas, listNas, removeNas } from '../db/nas.js';
import type { DisconnectProfile, NasClient } from '../domain/nas.js';
import { RadassocError } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readSecretFlag } from './input.js';
import { jsonReplacer, printRecord, printRows, say } from './output.js';
import { diagnoseNas, formatNasDiagnosis } from '../lifecycle/nas-diagnose.js';

/** BlastRADIUS (CVE-2024-3596) guidance: 12 octets or less can be brute-forced; 32+ recommended. */
const WEAK_SECRET_OCTETS = 12;
const RECOMMENDED_SECRET_OCTETS = 32;

/** A NAS as the CLI shows it: everything but the secret, whose length stands in for it. */
export interface NasView {
  name: string;
  address: string;
  secret_length: number;
  coa_port: number;
  require_message_authenticator: boolean;
  disconnect_profile: DisconnectProfile;
  supports_coa: boolean;
  created_at: string;
}

export function nasView(n: NasClient): NasView {
  return {
    name: n.name,
    address: n.address,
    secret_length: Buffer.byteLength(n.secret, 'utf8'),
    coa_port: n.coaPort,
    require_message_authenticator: n.requireMessageAuthenticator,
    disconnect_profile: n.disconnectProfile,
    supports_coa: n.supportsCoa,
    created_at: n.createdAt.toISOString(),
  };
}

const COLUMNS = ['name', 'address', 'secret_length', 'coa_port', 'require_message_authenticator', 'disconnect_profile', 'supports_coa'];

function warn(message: string): void {
  process.stderr.write(`radassoc: warning: ${message}\n`);
}

function checkSecret(name: string, secret: string): void {
  if (secret.length === 0) {
    throw new RadassocError('INVALID_ARGUMENT', `NAS ${name}: the shared secret cannot be empty; generate one with \`openssl rand -base64 32\``);
  }
  const octets = Buffer.byteLength(secret, 'utf8');
  if (octets <= WEAK_SECRET_OCTETS) {
    warn(
      `the shared secret of NAS ${name} is only ${octets} octets: secrets of ${WEAK_SECRET_OCTETS} octets or less can be ` +
        `guessed offline (BlastRADIUS, CVE-2024-3596); use ${RECOMMENDED_SECRET_OCTETS} or more random characters, e.g. \`openssl rand -base64 32\``,
    );
  }
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
      const name = argv.name;
      const address = argv.ip;
      if (address === undefined || address.trim() === '') {
        throw new RadassocError('INVALID_ARGUMENT', 'give the NAS source address with --ip <addr|cidr>, e.g. --ip 192.0.2.1');
      }
      const secret = await readSecretFlag({ value: argv.secret, stdin: argv.secretStdin, name: 'secret' });
      checkSecret(name, secret);
      if (!argv.requireMessageAuthenticator) {
        warn(`NAS ${name} may send Access-Requests without Message-Authenticator, which leaves it open to BlastRADIUS (CVE-2024-3596); turn it back on once the NAS sends it`);
      }
      if (!Number.isInteger(argv.coaPort)) {
        throw new RadassocError('INVALID_ARGUMENT', `--coa-port must be a port number from 1 to 65535`);
      }
      await withContext(argv, async (ctx) => {
        const added = await ctx.db.transaction(async (tx) => {
          const n = await insertNas(tx, {
            name,
            address,
            secret,
            coaPort: argv.coaPort,
            requireMessageAuthenticator: argv.requireMessageAuthenticator,
            disconnectProfile: argv.disconnectProfile as DisconnectProfile,
            supportsCoa: argv.supportsCoa,
          });
          await insertAudit(tx, { actor: ctx.actor, action: 'nas.add', target: `nas:${name}`, after: nasView(n) });
          return n;
        });
        if (ctx.json) printRecord({ ...nasView(added) }, true);
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
          const rows = (await listNas(ctx.db)).map(nasView);
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
          await ctx.db.transaction(async (tx) => {
            const before = await getNas(tx, argv.name);
            await removeNas(tx, argv.name);
            await insertAudit(tx, { actor: ctx.actor, action: 'nas.remove', target: `nas:${argv.name}`, before: before && nasView(before) });
          });
          if (ctx.json) printRecord({ removed: argv.name }, true);
          else say(`removed NAS ${argv.name}`, false);
        });
      },
    );
    return nas.demandCommand(1, 'Name a nas command: add, list, remove or diagnose.');
  });
}
