/**
 * IPv4 / IPv6 text ↔ octets, strict on input and canonical on output
 * (RFC 5952 for IPv6). Node has no inet_pton; these are small enough to own.
 */

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted quad → 4 octets, or undefined. Rejects leading zeros (ambiguous octal) and out-of-range parts. */
export function parseIPv4(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!IPV4_PART.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** 4 octets at `off` → dotted quad. */
export function formatIPv4(value: Buffer, off = 0): string {
  return `${value[off]}.${value[off + 1]}.${value[off + 2]}.${value[off + 3]}`;
}

/** Hex groups (no '::') → 16-bit words, or undefined. The last part may be an embedded IPv4. */
function parseGroups(text: string, allowIPv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (allowIPv4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEX_GROUP.test(p)) {
      words.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

/** IPv6 text (RFC 4291 §2.2, with '::' and an embedded IPv4 tail) → 16 octets, or undefined. No zone ids. */
export function parseIPv6(text: string): Buffer | undefined {
  const gap = text.indexOf('::');
  let words: number[];
  if (gap === -1) {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    words = all;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return undefined;
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i]!, i * 2);
  return out;
}

/** 16 octets at `off` → RFC 5952 text: lower case, longest run (≥ 2) of zero words as '::', first on a tie. */
export function formatIPv6(value: Buffer, off = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(value.readUInt16BE(off + i * 2));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestAt === -1) return hex(words);
  return `${hex(words.slice(0, bestAt))}::${hex(words.slice(bestAt + bestLen))}`;
}
