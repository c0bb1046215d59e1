/**
 * What a command does to the embedded database, which decides whether it
 * may create one (admin/context.ts): a read never creates a database or a
 * data directory, a write creates one only where the operator named the data
 * directory, and `migrate` creates one where it is run.
 */
export type CommandAccess = 'read' | 'write' | 'create';

/** Command paths as yargs puts them in argv._, joined by a space. */
const READS = new Set(['sessions', 'diagnose', 'audit', 'export', 'nas diagnose', 'member data', 'retention show']);
const CREATES = new Set(['migrate']);

export interface CommandArgs {
  _?: ReadonlyArray<string | number> | undefined;
  dryRun?: unknown;
}

export function commandAccess(argv: CommandArgs): CommandAccess {
  const path = (argv._ ?? []).map(String);
  const name = path.join(' ');
  if (CREATES.has(name)) return 'create';
  // Every `list` and `show` reads; so does a dry run (dues run --dry-run, imports).
  const last = path[path.length - 1];
  if (READS.has(name) || last === 'list' || last === 'show' || argv.dryRun === true) return 'read';
  return 'write';
}
