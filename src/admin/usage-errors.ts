/**
 * Our words for yargs' refusals ("Not enough non-option arguments: got 0,
 * need at least 1", "Unknown argument: pasword", ...): what is missing or
 * wrong for which command, a correction when one is a typo away, and the
 * command's synopsis. The CLI prints the message, then one line pointing at
 * the command's --help. yargs runs in English (cli.ts sets the locale), so
 * its templates below are the ones it writes.
 */
import { closest, didYouMean } from '../services/suggest.js';

/** Where a usage mistake happened, as yargs knows it at that moment. */
export interface UsageContext {
  /** The command path, e.g. ['member', 'add']; [] at the root. */
  path: readonly string[];
  /** The command as declared, e.g. 'add <username>'; undefined at the root. */
  declaration: string | undefined;
  /** Subcommand names when the mistake is at a command group (or the root). */
  subcommands: readonly string[];
  /** Option names the command takes, as declared (kebab-case). */
  options: readonly string[];
  /** The arguments as typed. */
  args: readonly string[];
}

/**
 * What a command wants besides its positionals, for the synopsis in a usage
 * message (design.md's command-line contract). Commands not listed show
 * "[options]".
 */
const SYNOPSIS_FLAGS: Readonly<Record<string, string>> = {
  'nas add': '--ip <addr|cidr> (--secret <s> | --secret-stdin) [options]',
  'plan add': "[--attr 'Attribute=Value']...",
  'plan set': "(--attr 'Attribute=Value'... | --clear)",
  'member add': '(--password <pw> | --password-stdin) [options]',
  'member passwd': '(--password <pw> | --password-stdin) [--auth METHODS]',
  'member set': '[--plan P] [--ipv4 A] [--ipv6-prefix P] [--max-sessions N] [--paid-until YYYY-MM-DD] [--auth METHODS]',
  'member suspend': "--reason 'TEXT'",
  'member import': '',
  export: '--from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--detail] [--out FILE]',
  disconnect: '[--nas NAS] | radassoc disconnect --session <id> [--nas NAS]',
};

/** How a missing positional is named in a sentence ("member add needs a user name"). */
function noun(positional: string, path: readonly string[]): string {
  if (positional === 'username') return 'a user name';
  if (positional === 'file') return 'a CSV file';
  if (positional === 'name') {
    const group = path[0] === 'nas' ? 'NAS' : path[0];
    return group ? `a ${group} name` : 'a name';
  }
  return `<${positional}>`;
}

interface Positional {
  name: string;
  required: boolean;
}

function positionalsOf(declaration: string | undefined): Positional[] {
  if (declaration === undefined) return [];
  return [...declaration.matchAll(/([<[])([^>\]]+)[>\]]/g)].map((m) => ({ name: m[2]!, required: m[1] === '<' }));
}

const commandName = (path: readonly string[]): string => path.join(' ');

/** `radassoc member add <username> (--password <pw> | --password-stdin) [options]` */
export function synopsis(ctx: Pick<UsageContext, 'path' | 'declaration'>): string {
  const name = commandName(ctx.path);
  const positionals = positionalsOf(ctx.declaration).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  const flags = SYNOPSIS_FLAGS[name] ?? '[options]';
  return ['radassoc', name, ...positionals, flags].filter((s) => s !== '').join(' ');
}

/** The line after every usage message. */
export function helpLine(path: readonly string[]): string {
  return `Run \`${['radassoc', ...path, '--help'].join(' ')}\` for usage.`;
}

/** "--max-sesions" was typed as an option (yargs also names its camelCase twin, which nobody typed). */
function typedAsOption(name: string, args: readonly string[]): boolean {
  const dashes = name.length === 1 ? '-' : '--';
  return args.some((a) => a === `${dashes}${name}` || a.startsWith(`${dashes}${name}=`) || (name.length === 1 && /^-[a-z]+$/i.test(a) && a.includes(name)));
}

const option = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

function listOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function unknownArguments(names: readonly string[], ctx: UsageContext): string {
  const where = ctx.path.length > 0 ? ` for ${commandName(ctx.path)}` : '';
  const asOptions = names.filter((n) => typedAsOption(n, ctx.args));
  if (asOptions.length > 0) {
    const [first, ...rest] = asOptions;
    const also = rest.length > 0 ? ` (also unknown: ${rest.map(option).join(', ')})` : '';
    const known = ctx.options.filter((o) => !['help', 'version'].includes(o));
    return `unknown option ${option(first!)}${where}${also}${didYouMean(first!, known, option)}`;
  }
  // Not options: the words left over, in the order typed.
  const words = ctx.args.filter((a) => names.includes(a));
  const word = words[0] ?? names[0] ?? '';
  if (ctx.subcommands.length > 0) {
    const meant = closest(word, ctx.subcommands);
    const commands = ctx.path.length > 0 ? `the ${commandName(ctx.path)} commands` : 'the commands';
    const hint = meant !== null ? `did you mean ${meant}?` : `${commands} are ${listOf(ctx.subcommands)}`;
    return `unknown command '${word}'${where}; ${hint}`;
  }
  return `unexpected argument '${word}'${where}: ${synopsis(ctx)} (quote a value that holds spaces)`;
}

function missingPositional(got: number, ctx: UsageContext): string {
  const name = commandName(ctx.path);
  const required = positionalsOf(ctx.declaration).filter((p) => p.required);
  const missing = required[got] ?? required[0];
  const what = missing ? noun(missing.name, ctx.path) : 'more arguments';
  return `${name} needs ${what}: ${synopsis(ctx)}`;
}

function invalidValue(text: string, ctx: UsageContext): string {
  const m = /Argument: ([^,]+), Given: (.*), Choices: (.*)$/m.exec(text);
  if (!m) return text;
  const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');
  const choices = m[3]!.split(/,\s*/).map(unquote);
  const given = unquote(m[2]!);
  const where = ctx.path.length > 0 ? ` for ${commandName(ctx.path)}` : '';
  return `--${m[1]!.trim()}${where} must be ${listOf(choices)}, not '${given}'${didYouMean(given, choices)}`;
}

/** Lower-cases the first letter: our messages continue "radassoc: ". */
const sentence = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Our message for one of yargs' refusals (`text`, as yargs wrote it). */
export function usageMessage(text: string, ctx: UsageContext): string {
  const name = commandName(ctx.path);
  let m: RegExpExecArray | null;
  if ((m = /^Unknown arguments?: (.+)$/s.exec(text))) return unknownArguments(m[1]!.split(/,\s*/), ctx);
  if ((m = /^Not enough non-option arguments: got (\d+), need at least \d+$/.exec(text))) {
    if (ctx.subcommands.length > 0) return groupNeedsCommand(ctx);
    return missingPositional(Number(m[1]), ctx);
  }
  if ((m = /^Missing required arguments?: (.+)$/.exec(text))) {
    const flags = m[1]!.split(/,\s*/).map(option);
    return `${name === '' ? 'radassoc' : name} needs ${listOf(flags).replace(/ or /, ' and ')}: ${synopsis(ctx)}`;
  }
  if (/^Invalid values?:/.test(text)) return invalidValue(text, ctx);
  if ((m = /^Not enough arguments following: (.+)$/.exec(text))) return `${option(m[1]!)} needs a value`;
  if ((m = /^Too many non-option arguments: got \d+, maximum of \d+$/.exec(text))) {
    return `too many arguments for ${name === '' ? 'radassoc' : name}: ${synopsis(ctx)} (quote a value that holds spaces)`;
  }
  if ((m = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(text))) return `give either ${option(m[1]!)} or ${option(m[2]!)}, not both`;
  // A group's own demandCommand message: no subcommand was named.
  if (ctx.subcommands.length > 0) return groupNeedsCommand(ctx);
  return sentence(text);
}

function groupNeedsCommand(ctx: UsageContext): string {
  if (ctx.path.length === 0) return `name a command: ${ctx.subcommands.join(', ')}`;
  return `${commandName(ctx.path)} needs a command: ${ctx.subcommands.join(', ')}`;
}
