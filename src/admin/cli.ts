/**
 * The radassoc command line (yargs): one file per command group, each thin.
 * Usage mistakes and refusals print one line that says what to do and exit
 * non-zero; a stack trace only with LOG_LEVEL=debug.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exitCodeFor, isRadassocError } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { registerCommands } from './commands.js';

export function buildCli(args: string[]): Argv<GlobalArgs> {
  const cli = yargs(args)
    .scriptName('radassoc')
    .usage('$0 <command> [options]\n\nRADIUS/AAA server for associations that run their own Internet access.')
    .option('config', { type: 'string', describe: 'JSON config file (or RADASSOC_CONFIG)', global: true })
    .option('data-dir', { type: 'string', describe: 'where the embedded database lives (or RADASSOC_DATA_DIR)', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON only, on stdout', global: true })
    .option('by', { type: 'string', describe: 'who is acting, for the audit log (default: the OS user)', global: true })
    .demandCommand(1, 'Name a command; `radassoc --help` lists them.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`radassoc: ${msg}\nRun with --help for usage.\n`);
      process.exit(1);
    }) as unknown as Argv<GlobalArgs>;
  return registerCommands(cli);
}

/** Prints an error the way an admin can act on, and returns the exit code. */
export function reportError(e: unknown): number {
  if (isRadassocError(e)) {
    process.stderr.write(`radassoc: ${e.message}\n`);
    if (process.env.LOG_LEVEL === 'debug' && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCodeFor(e.code);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`radassoc: unexpected error: ${err.message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('Run again with LOG_LEVEL=debug for details.\n');
  return 1;
}

export async function main(argv = hideBin(process.argv)): Promise<void> {
  try {
    await buildCli(argv).parseAsync();
  } catch (e) {
    process.exitCode = reportError(e);
  }
}
