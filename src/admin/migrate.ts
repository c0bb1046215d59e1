/** `radassoc migrate`: applies the SQL migrations not yet applied and says which. */
import type { Argv } from 'yargs';
import { insertAudit } from '../db/audit.js';
import { migrate } from '../db/migrate.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';

export function registerMigrate(cli: Argv<GlobalArgs>): void {
  cli.command(
    'migrate',
    'create or update the database schema (safe to run again; several servers may run it at once)',
    (y) => y,
    async (argv) => {
      await withContext(
        argv,
        async (ctx) => {
          const result = await migrate(ctx.db);
          const applied = result.applied.map((m) => ({ version: m.version, name: m.name, file: m.file }));
          if (applied.length > 0) {
            await insertAudit(ctx.db, {
              // The schema is the deployment's, no tenant's.
              tenantId: null,
              actor: ctx.actor,
              action: 'schema.migrate',
              target: 'schema',
              after: { applied: applied.map((m) => m.file) },
            });
          }
          if (ctx.json) {
            process.stdout.write(`${JSON.stringify({ applied, skipped: result.skipped }, null, 2)}\n`);
            return;
          }
          for (const m of applied) process.stdout.write(`applied ${m.file}\n`);
          const total = applied.length + result.skipped;
          process.stdout.write(
            applied.length === 0
              ? `the database is up to date (${total} migrations)\n`
              : `applied ${applied.length} of ${total} migrations; the database is up to date\n`,
          );
        },
        { autoMigrate: false },
      );
    },
  );
}
