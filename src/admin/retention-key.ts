/**
 * `radassoc retention rotate-key --new-key-file F [--old-key-file F]`: the
 * connection register's identities sealed anew under a new key
 * (privacy/rotate-key.ts). The old key is the configured one
 * (retention.keyFile) unless given; with neither, identities kept in clear
 * are sealed for the first time. Keys are named by their id, never shown.
 */
import type { Argv } from 'yargs';
import { configuredIdentityKey, readIdentityKey } from '../privacy/identity-key.js';
import { rotateRegisterKey } from '../privacy/rotate-key.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, say } from './output.js';

export function registerRotateKey(retention: Argv<GlobalArgs>): void {
  retention.command(
    'rotate-key',
    "seal every identity of the connection register under a new key (then point retention.keyFile at it)",
    (y) =>
      y
        .option('new-key-file', { type: 'string', demandOption: true, describe: 'the new key: 64 hex digits (openssl rand -hex 32 > FILE)' })
        .option('old-key-file', { type: 'string', describe: 'the key the rows are sealed with now (default: retention.keyFile)' })
        .option('batch-size', { type: 'number', default: 500, describe: 'rows per transaction' }),
    async (argv) => {
      // Both keys are read before the database is opened: a wrong file fails at once.
      const newKey = readIdentityKey(argv.newKeyFile);
      await withContext(argv, async (ctx) => {
        const oldKey = argv.oldKeyFile !== undefined ? readIdentityKey(argv.oldKeyFile) : configuredIdentityKey(ctx.config);
        const r = await rotateRegisterKey(ctx.db, oldKey, newKey, { batchSize: Math.max(1, Math.floor(argv.batchSize)) });
        if (ctx.json) printRecord({ ...r }, true);
        else {
          say(`${r.resealed + r.sealed} register identities now sealed under key ${r.key_id} (${r.resealed} from the old key, ${r.sealed} that were in clear), in ${r.batches} batches`, false);
          say(`now set retention.keyFile to ${argv.newKeyFile} and restart the daemons; keep the new key safe: losing it is losing the register's identities`, false);
        }
      });
    },
  );
}
