/**
 * The radassoc command line (yargs): one file per command group, each thin.
 * Usage mistakes and refusals print one message that says what to do (usage
 * mistakes add one line pointing at the command's --help) and exit non-zero;
 * a stack trace only with LOG_LEVEL=debug. With --json, a refusal that lists
 * faults (a CSV import) is also printed on stdout as {"error": {...}}, so a
 * script can read every faulty line.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exitCodeFor, isRadassocError, RadassocError } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { registerCommands } from './commands.js';
import { errorJson } from './error-output.js';
import { helpLine, usageMessage, type UsageContext } from './usage-errors.js';

/** The parts of yargs (18) that know, while it refuses, which command it was reading; @types/yargs leaves them out. */
interface YargsInternals {
  getInternalMethods(): {
    getContext(): { commands: string[]; fullCommands: string[] };
    getCommandInstance(): { getCommands(): string[] };
  };
  getOptions(): { key: Record<string, unknown> };
}

/** Where yargs stands when it refuses: the command path and what that command declares. */
function usageContext(y: Argv<GlobalArgs>, args: readonly string[]): UsageContext {
  const cli = y as unknown as YargsInternals;
  const internal = cli.getInternalMethods();
  const { commands, fullCommands } = internal.getContext();
  const declaration = fullCommands[fullCommands.length - 1];
  const positionals = [...(declaration ?? '').matchAll(/[<[]([^>\]]+)[>\]]/g)].map((m) => m[1]);
  const options = Object.keys(cli.getOptions().key).filter((k) => !positionals.includes(k));
  const subcommands = internal.getCommandInstance().getCommands();
  return { path: commands, declaration, subcommands, options, args };
}

export function buildCli(args: string[]): Argv<GlobalArgs> {
  const cli: Argv<GlobalArgs> = yargs(args)
    .scriptName('radassoc')
    // Our messages for yargs' refusals match its English templates (usage-errors.ts), whatever LANG says.
    .locale('en')
    .usage('$0 <command> [options]\n\nRADIUS/AAA server for associations that run their own Internet access.')
    .option('config', { type: 'string', describe: 'JSON config file (or RADASSOC_CONFIG)', global: true })
    .option('data-dir', { type: 'string', describe: 'where the embedded database lives (or RADASSOC_DATA_DIR)', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON only, on stdout', global: true })
    .option('by', { type: 'string', describe: 'who is acting, for the audit log (default: the OS user)', global: true })
    .option('tenant', { type: 'string', describe: 'the association (tenant) to act in (or RADASSOC_TENANT); needed once there are several', global: true })
    .option('all-tenants', { type: 'boolean', describe: 'listings: every tenant, each row marked with its own', global: true })
    .demandCommand(1, 'Name a command; `radassoc --help` lists them.')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      const ctx = usageContext(cli, args);
      throw new RadassocError('INVALID_ARGUMENT', usageMessage(msg, ctx), { usage: ctx.path.join(' ') });
    }) as unknown as Argv<GlobalArgs>;
  return registerCommands(cli);
}

/** --json as yargs reads it (--json, --json=true), before yargs has parsed anything. */
function wantsJson(args: readonly string[]): boolean {
  let json = false;
  for (const a of args) {
    if (a === '--') break;
    if (a === '--json' || a === '--json=true') json = true;
    else if (a === '--no-json' || a === '--json=false') json = false;
  }
  return json;
}

/** Prints an error the way an admin can act on, and returns the exit code. */
export function reportError(e: unknown, opts: { json?: boolean } = {}): number {
  if (isRadassocError(e)) {
    const usage = e.details.usage;
    process.stderr.write(`radassoc: ${e.message}\n`);
    if (typeof usage === 'string') process.stderr.write(`${helpLine(usage === '' ? [] : usage.split(' '))}\n`);
    if (process.env.LOG_LEVEL === 'debug' && e.stack) process.stderr.write(`${e.stack}\n`);
    const json = opts.json ? errorJson(e) : null;
    if (json !== null) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
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
    process.exitCode = reportError(e, { json: wantsJson(argv) });
  }
}
