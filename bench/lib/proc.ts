/** Linux process facts from /proc: memory of a process, its children, the machine. */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Memory {
  /** Resident set size now, in MiB. */
  rssMb: number;
  /** Peak resident set size (VmHWM), in MiB. */
  hwmMb: number;
}

/** VmRSS and VmHWM of `pid`; zeros when the process is gone. */
export function memoryOf(pid: number): Memory {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Direct children of `pid`, oldest first (scans /proc/N/stat; works without CONFIG_PROC_CHILDREN). */
export function childrenOf(pid: number): number[] {
  const out: Array<{ pid: number; start: number }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) out.push({ pid: Number(name), start: Number(fields[19]) });
  }
  return out.sort((a, b) => a.start - b.start).map((c) => c.pid);
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  kernel: string;
}

export function machine(): Machine {
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    /* not Linux */
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every process under `pid` (children, grandchildren...), from one /proc scan. */
export function descendantsOf(pids: number[]): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = new Set(pids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parentOf) {
      if (!out.has(p) && out.has(pp)) {
        out.add(p);
        grew = true;
      }
    }
  }
  return [...out];
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/**
 * CPU time (user + system, ms) used so far by these processes and every
 * process under them, including children that already exited and were
 * reaped (cutime, cstime): PostgreSQL backends come and go.
 */
export function cpuMsOfTrees(roots: number[]): number {
  let ticks = 0;
  for (const pid of descendantsOf(roots)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields after ')' start at state (3rd field): utime, stime, cutime, cstime are fields 14-17 → indexes 11-14 here
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      /* gone */
    }
  }
  return ticks * TICK_MS;
}

/** The pid of the process whose command line matches, or null. */
export function findProcess(match: (cmdline: string) => boolean): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (match(cmd)) return Number(name);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** The postmaster pid of a PostgreSQL data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}
