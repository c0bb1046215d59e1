/**
 * FreeRADIUS's users file (mods-config/files/authorize) read into entries,
 * with the rules of FreeRADIUS 3's reader: an entry is a name at the start
 * of a line and its check items on that same line; its reply items follow
 * on indented lines, each but the last ending with a comma. Blank and '#'
 * lines may sit anywhere. DEFAULT entries match every user; Fall-Through
 * says whether matching goes on to the next entry.
 *
 * Where FreeRADIUS refuses the whole file, this reader notes the problem
 * with its line number, drops the faulty entry and goes on, so that one
 * pass lists every mistake. It never throws.
 */
import { parseItems, readQuoted, type AttributeItem } from './attribute-items.js';

export interface UsersEntry {
  readonly name: string;
  /** The line of the name, 1-based. */
  readonly line: number;
  readonly isDefault: boolean;
  readonly check: readonly AttributeItem[];
  /** Reply items without Fall-Through, which is `fallThrough`. */
  readonly reply: readonly AttributeItem[];
  readonly fallThrough: boolean;
}

export interface UsersFileProblem {
  readonly line: number;
  readonly message: string;
}

export interface UsersFile {
  readonly entries: readonly UsersEntry[];
  /** $INCLUDE lines: read those files too. */
  readonly includes: readonly { line: number; path: string }[];
  readonly problems: readonly UsersFileProblem[];
}

/** FreeRADIUS reads lines into an 8 KiB buffer and refuses longer ones. */
const MAX_LINE = 8191;
/** And keeps names in 256 octets. */
const MAX_NAME = 255;

const isIndented = (line: string): boolean => /^[ \t]/.test(line);
const isBlankOrComment = (line: string): boolean => /^\s*(#|$)/.test(line);

/** Fall-Through's value as FreeRADIUS's integer dictionary values read it. */
function truthy(value: string): boolean | null {
  const v = value.toLowerCase();
  if (v === 'yes' || v === '1') return true;
  if (v === 'no' || v === '0') return false;
  return null;
}

interface Pending {
  name: string;
  line: number;
  check: AttributeItem[];
  reply: AttributeItem[];
  broken: boolean;
}

export function parseUsersFile(text: string): UsersFile {
  const entries: UsersEntry[] = [];
  const includes: { line: number; path: string }[] = [];
  const problems: UsersFileProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let pending: Pending | null = null;
  /** 'name': looking for an entry; 'want-reply': after a name line; 'more-reply': after a trailing comma. */
  let mode: 'name' | 'want-reply' | 'more-reply' = 'name';
  /** After a refused entry: its indented lines are skipped too. */
  let skipping = false;

  const problem = (line: number, message: string) => problems.push({ line, message });

  const finish = () => {
    if (pending !== null && !pending.broken) {
      let fallThrough = false;
      const reply: AttributeItem[] = [];
      for (const item of pending.reply) {
        if (item.attribute.toLowerCase() !== 'fall-through') {
          reply.push(item);
          continue;
        }
        const t = truthy(item.value);
        if (t === null) problem(pending.line, `Fall-Through of ${pending.name} is neither yes nor no`);
        else fallThrough = t;
      }
      entries.push({
        name: pending.name,
        line: pending.line,
        isDefault: pending.name === 'DEFAULT',
        check: pending.check,
        reply,
        fallThrough,
      });
    }
    pending = null;
    mode = 'name';
  };

  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = lines[n]!.replace(/\r$/, '');
    if (line.length > MAX_LINE) {
      problem(lineNo, `the line is longer than ${MAX_LINE} characters: FreeRADIUS refuses it`);
      if (pending !== null) pending.broken = true;
      continue;
    }
    if (isBlankOrComment(line)) continue;

    if (mode === 'want-reply' && !isIndented(line)) finish();
    if (mode === 'more-reply' && !isIndented(line)) {
      problem(lineNo, `the reply items of ${pending!.name} (line ${pending!.line}) end with a comma, then a new entry starts: delete that last comma`);
      finish();
    }

    if (mode === 'name') {
      if (isIndented(line)) {
        if (!skipping) {
          problem(lineNo, entries.length > 0 || problems.length > 0
            ? 'an indented line after a finished entry: the reply line before it needs a comma at its end, or this line needs an entry name'
            : 'the first entry does not begin with a user name at the start of the line');
        }
        continue;
      }
      skipping = false;
      const head = readName(line);
      if (head === null) {
        problem(lineNo, 'the quoted entry name has no closing quote');
        skipping = true;
        continue;
      }
      if (head.name.toUpperCase() === '$INCLUDE') {
        const path = line.slice(head.next).trim();
        if (path === '') problem(lineNo, '$INCLUDE names no file');
        else includes.push({ line: lineNo, path: path.replace(/^"(.*)"$/, '$1') });
        continue;
      }
      if (head.name.length > MAX_NAME) problem(lineNo, `the entry name is longer than ${MAX_NAME} characters`);
      const check = parseItems(line, head.next);
      pending = { name: head.name, line: lineNo, check: check.items, reply: [], broken: false };
      if (!check.ok) {
        problem(lineNo, `check items of ${head.name}: ${check.error}`);
        pending.broken = true;
        skipping = true;
      } else if (check.end === 'comma') {
        problem(lineNo, `the check items of ${head.name} end with a comma: check items all go on the name's line, reply items on the lines after it`);
        pending.broken = true;
        skipping = true;
      }
      mode = 'want-reply';
      continue;
    }

    // An indented reply line of the pending entry.
    const entry: Pending = pending!;
    const reply = parseItems(line);
    entry.reply.push(...reply.items);
    if (!reply.ok) {
      problem(lineNo, `reply items of ${entry.name}: ${reply.error}`);
      entry.broken = true;
      skipping = true;
      finish();
      continue;
    }
    if (reply.end === 'comma') {
      mode = 'more-reply';
      continue;
    }
    finish();
  }
  if (mode === 'more-reply') {
    problem(lines.length, `the reply items of ${pending!.name} (line ${pending!.line}) end with a comma at the end of the file: delete it`);
  }
  finish();
  return { entries, includes, problems };
}

/** The entry name at the start of a line: a quoted string or a word. */
function readName(line: string): { name: string; next: number } | null {
  if (line[0] === '"' || line[0] === "'") {
    const q = readQuoted(line, 0);
    return q === null ? null : { name: q.text, next: q.next };
  }
  const m = /^[^\s]+/.exec(line)!;
  return { name: m[0], next: m[0].length };
}
