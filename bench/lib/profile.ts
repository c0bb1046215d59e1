/**
 * Summary of a V8 .cpuprofile (node --cpu-prof): self time per function and
 * per file, and inclusive time of the project's own functions, as shares of
 * the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  selfTop: ProfileRow[];
  files: ProfileRow[];
  inclusiveTop: ProfileRow[];
}

const shortUrl = (url: string): string => {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 1);
  const n = url.indexOf('/node_modules/');
  if (n >= 0) return url.slice(n + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
};

const label = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  let idleMs = 0;
  let busyMs = 0;
  const bySelf = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    if (f.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    bySelf.set(label(f), (bySelf.get(label(f)) ?? 0) + ms);
    const fileKey = f.url ? shortUrl(f.url) : f.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + ms);
  }
  // Inclusive time of project functions: a node's self time plus its subtree's, counted once per label per stack.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f || !f.url.includes('/dist/')) continue;
      const l = label(f);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  const rows = (m: Map<string, number>, n: number): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: busyMs > 0 ? ms / busyMs : 0 }));
  return { busyMs, idleMs, selfTop: rows(bySelf, top), files: rows(byFile, 15), inclusiveTop: rows(inclusive, 20) };
}

export function formatProfile(s: ProfileSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [`busy ${Math.round(s.busyMs)} ms, idle ${Math.round(s.idleMs)} ms`, '', 'self time, by function:'];
  for (const r of s.selfTop) lines.push(`  ${pct(r.share)}  ${r.name}`);
  lines.push('', 'self time, by file:');
  for (const r of s.files) lines.push(`  ${pct(r.share)}  ${r.name}`);
  lines.push('', 'inclusive time, project functions:');
  for (const r of s.inclusiveTop) lines.push(`  ${pct(r.share)}  ${r.name}`);
  return lines.join('\n');
}
