/**
 * The performance anchor: Debian's FreeRADIUS started by the shared
 * freeradius_anchor.sh (rlm_sql on its own PostgreSQL, or a flat users
 * file), with the same users as ours, on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryOf, type Memory } from './proc.js';

export interface Anchor {
  backend: 'sql' | 'files';
  pid: number;
  memory(): Memory;
  stop(): void;
}

/** Why the anchor cannot run here, or null when it can. */
export function anchorUnavailable(tools: string): string | null {
  if (!existsSync(join(tools, 'freeradius_anchor.sh'))) return `no freeradius_anchor.sh in ${tools}`;
  if (process.getuid?.() !== 0) return 'the anchor script needs root (it runs PostgreSQL as the postgres user)';
  if (spawnSync('sh', ['-c', 'command -v freeradius'], { encoding: 'utf8' }).stdout.trim() === '') {
    return 'FreeRADIUS is not installed (apt-get install freeradius freeradius-postgresql)';
  }
  return null;
}

export async function startAnchor(o: {
  tools: string;
  dir: string;
  users: number;
  authPort: number;
  acctPort: number;
  pgPort: number;
  backend: 'sql' | 'files';
  timeoutMs: number;
}): Promise<Anchor> {
  const script = join(o.tools, 'freeradius_anchor.sh');
  const args = [script, o.dir, String(o.users), String(o.authPort), String(o.acctPort), o.backend];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', args, { env: { ...process.env, PGPORT: String(o.pgPort) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`freeradius_anchor.sh ${o.backend} failed (exit ${code}):\n${text.trim().split('\n').slice(-20).join('\n')}`));
    });
  });
  const pid = Number(readFileSync(join(o.dir, 'fr.pid'), 'utf8').trim());
  if (!pid) throw new Error(`freeradius_anchor.sh said: ${out}`);
  const stop = (): void => {
    spawnSync('bash', [join(o.tools, 'stop_anchor.sh'), o.dir], { stdio: 'ignore', timeout: 60_000 });
  };
  return { backend: o.backend, pid, memory: () => memoryOf(pid), stop };
}
