/**
 * "Did you mean ...?" for what people mistype: command names, options,
 * attribute names and values, CSV columns, plans. Pure: a word and the names
 * it may have meant, nothing else.
 */

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap
 * of two neighbours as one edit (optimal string alignment, the restricted
 * Damerau-Levenshtein distance), ignoring case.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the dynamic-programming table suffice: a swap looks two rows back.
  let before = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = new Array<number>(t.length + 1).fill(0);
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[t.length]!;
}

/** How many edits still read as a typo of a word this long: one for short words, up to three for long ones, and fewer than half its letters. */
function tolerance(length: number): number {
  if (length <= 4) return 1;
  if (length <= 9) return 2;
  return 3;
}

/**
 * The candidate `word` most likely meant, or null when none is close enough
 * to be a typo, or `word` is itself one of them. The only candidate that
 * starts with `word` counts as meant (`ad` for add); else the nearest by
 * editDistance, ties going to the first candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.trim();
  if (w === '') return null;
  const all = [...candidates];
  const starting = w.length >= 2 ? all.filter((c) => c.toLowerCase().startsWith(w.toLowerCase()) && c !== w) : [];
  if (starting.length === 1 && !all.includes(w)) return starting[0]!;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of all) {
    if (c === w) return null;
    const d = editDistance(w, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= tolerance(w.length) && bestDistance * 2 < w.length ? best : null;
}

/** "; did you mean X?" to append to a refusal, or '' when nothing is close. `show` dresses the name (e.g. --name). */
export function didYouMean(word: string, candidates: Iterable<string>, show: (name: string) => string = (n) => n): string {
  const c = closest(word, candidates);
  return c === null ? '' : `; did you mean ${show(c)}?`;
}
