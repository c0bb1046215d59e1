/**
 * Turns a schema refusal into the sentence an admin acts on: the key's full
 * path, what it must be, and where the value came from ("(from config file
 * /etc/radassoc.json)", "(from environment DATABASE_URL)", "(from flag
 * --auth-port)"); for a key that does not exist, the closest one that does.
 */
import type * as Zod from 'zod';
import { keysAt } from './schema.js';

/** Where a value came from: "config file X", "environment X", "flag --x". */
export type Source = string;

/** Objects with more keys than this are pointed to in config/README.md rather than listed. */
const LIST_AT_MOST = 10;

export function describeIssue(issue: Zod.core.$ZodIssue, sources: ReadonlyMap<string, Source>): string {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = keysAt(issue.path);
    const prefix = at.length > 0 ? `${at.join('.')}.` : '';
    const best = closest(key, known);
    const hint = best
      ? `; did you mean ${prefix}${best}?`
      : known.length <= LIST_AT_MOST
        ? `; known: ${known.join(', ')}`
        : '; every key is listed in config/README.md';
    return `${prefix}${key} ${issue.message}${hint} (from ${sourceOf(`${prefix}${key}`, sources)})`;
  }
  const path = at.join('.');
  return `${path} ${issue.message} (from ${sourceOf(path, sources)})`;
}

/** The source of a key, or of the object around it when that object was given whole. */
function sourceOf(path: string, sources: ReadonlyMap<string, Source>): Source {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const s = sources.get(p);
    if (s) return s;
  }
  return 'defaults';
}

/** The known key a typo most likely meant: same letters in another case, or a couple of edits away. */
function closest(key: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d <= limit && d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
