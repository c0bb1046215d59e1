/**
 * `serve --workers N|auto`: several daemon processes answering on the same
 * UDP ports, for machines where one Node.js thread is the limit.
 *
 * The supervisor (node:cluster primary) runs no daemon: it forks N workers,
 * each running the full daemon with its own caches, and restarts a worker
 * that dies, with backoff. Node's cluster shares UDP sockets this way: the
 * primary creates each socket once and hands the same handle to every worker
 * (cluster docs, dgram `exclusive: false`, the default), so the kernel gives
 * each datagram to whichever worker reads first. No SO_REUSEPORT needed (the
 * dgram option only exists from Node 22), and one NAS's requests are spread
 * over every worker, not pinned to one by a hash of its address.
 *
 * Shared state stays where design.md puts it: live sessions in Redis, members
 * and NAS in PostgreSQL (each worker's cache follows NOTIFY). The embedded
 * PGlite and the in-process session store belong to one process, so several
 * workers need DATABASE_URL and REDIS_URL. The scheduled jobs (flush, reap,
 * dues) run in the worker of slot 0 only, and in its replacement. Every
 * worker serves the loopback HTTP port, shared like the UDP ports: /healthz
 * and the control route answer from any worker (the state they read is
 * shared), and /metrics adds up every worker's counters through the
 * supervisor (cluster-metrics.ts).
 *
 * SIGTERM/SIGINT to the supervisor: every worker is told to stop (finish what
 * is in flight, flush, close), the supervisor waits, and exits 0. A worker
 * that dies before any worker ever served means the daemon cannot start
 * (bad configuration, port taken, database unreachable): the supervisor stops
 * the others and exits with that worker's code instead of looping.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { fail } from '../errors.js';
import { serveClusterScrapes } from './cluster-metrics.js';

/** Environment variable telling a worker its slot (0..N-1). */
export const WORKER_SLOT_ENV = 'RADASSOC_WORKER_SLOT';

/** Messages between supervisor and workers, over the cluster IPC channel. */
export type ReadyMessage = { type: 'radassoc:ready'; auth: number; acct: number };
export type StopMessage = { type: 'radassoc:stop' };

export function isReadyMessage(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'radassoc:ready';
}

export function isStopMessage(m: unknown): m is StopMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'radassoc:stop';
}

/** How many processes `workers` asks for: 'auto' is one per usable CPU. */
export function resolveWorkerCount(workers: Config['workers']): number {
  return workers === 'auto' ? Math.max(1, availableParallelism()) : workers;
}

/** Refuses a configuration that cannot run in several processes, saying what to do. */
export function assertClusterable(config: Pick<Config, 'databaseUrl' | 'redisUrl' | 'workers'>, count: number): void {
  if (count <= 1) return;
  const missing = (['DATABASE_URL', 'REDIS_URL'] as const).filter((url) => !(url === 'DATABASE_URL' ? config.databaseUrl : config.redisUrl));
  if (missing.length === 0) return;
  throw fail('CONFIG_INVALID', { workers: config.workers, count, missing });
}

/** This process is a worker forked by the supervisor. */
export const isWorkerProcess = (): boolean => cluster.isWorker;

/** The slot of this worker, or null outside a cluster. Slot 0 runs the scheduled jobs. */
export function workerSlot(): number | null {
  if (!cluster.isWorker) return null;
  const slot = Number(process.env[WORKER_SLOT_ENV]);
  return Number.isInteger(slot) && slot >= 0 ? slot : null;
}

/** Whether this process runs the scheduled jobs: a lone daemon does; in a cluster, slot 0 does. */
export function runsJobs(): boolean {
  const slot = workerSlot();
  return !cluster.isWorker || slot === 0;
}

/** Worker side: tell the supervisor this worker answers on its ports. */
export function notifyReady(ports: { auth: number; acct: number }): void {
  const msg: ReadyMessage = { type: 'radassoc:ready', ...ports };
  process.send?.(msg);
}

/**
 * Worker side, once stopped: let the process end on its own (the IPC channel
 * would otherwise keep it alive), with whatever exit code is set.
 */
export function releaseSupervisorChannel(): void {
  process.channel?.unref();
}

export interface SupervisorOptions {
  workers: number;
  log: Logger;
  /** First restart delay; doubles for each quick death of the same slot (default 250 ms). */
  restartDelayMs?: number;
  /** Longest restart delay (default 30 s). */
  maxRestartDelayMs?: number;
  /** A worker that lived this long resets its slot's backoff (default 30 s). */
  stableAfterMs?: number;
  /** How long workers get to stop before SIGKILL (default 30 s). */
  stopTimeoutMs?: number;
}

interface Slot {
  index: number;
  worker: Worker | null;
  startedAt: number;
  ready: boolean;
  /** Quick deaths in a row, for the backoff. */
  failures: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Supervisor side: forks the workers and keeps them running until SIGTERM or
 * SIGINT. Resolves with the exit code for the process: 0 after a clean stop.
 */
export function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const { log } = opts;
  const restartDelayMs = opts.restartDelayMs ?? 250;
  const maxRestartDelayMs = opts.maxRestartDelayMs ?? 30_000;
  const stableAfterMs = opts.stableAfterMs ?? 30_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  const slots: Slot[] = Array.from({ length: opts.workers }, (_, index) => ({
    index,
    worker: null,
    startedAt: 0,
    ready: false,
    failures: 0,
    timer: null,
  }));
  let everServed = false;
  let stopping = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    const live = (): Worker[] => slots.flatMap((s) => (s.worker ? [s.worker] : []));

    const stopScrapes = serveClusterScrapes(() => slots.flatMap((s) => (s.worker && s.ready ? [s.worker] : [])), log);

    const finishIfDone = (): void => {
      if (!stopping || live().length > 0) return;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      stopScrapes();
      clearTimeout(killTimer);
      log.info({ exitCode }, 'every worker stopped');
      resolve(exitCode);
    };

    let killTimer: NodeJS.Timeout | undefined;
    const stopAll = (reason: string, code: number): void => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      log.info({ reason, workers: live().length }, 'stopping every worker');
      for (const s of slots) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = null;
      }
      const stop: StopMessage = { type: 'radassoc:stop' };
      for (const w of live()) {
        try {
          w.send(stop);
        } catch {
          w.process.kill('SIGTERM');
        }
      }
      killTimer = setTimeout(() => {
        for (const w of live()) {
          log.error({ workerPid: w.process.pid }, `worker still running after ${stopTimeoutMs} ms; killing it`);
          w.process.kill('SIGKILL');
        }
        exitCode = exitCode || 1;
      }, stopTimeoutMs);
      killTimer.unref();
      finishIfDone();
    };

    const fork = (slot: Slot): void => {
      slot.timer = null;
      if (stopping) return;
      const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot.index) });
      slot.worker = worker;
      slot.startedAt = Date.now();
      slot.ready = false;
      worker.on('message', (m: unknown) => {
        if (!isReadyMessage(m) || slot.worker !== worker) return;
        slot.ready = true;
        const firstTime = !everServed && slots.every((s) => s.ready);
        log.info({ slot: slot.index, workerPid: worker.process.pid, jobs: slot.index === 0 }, 'worker serving');
        if (firstTime) {
          everServed = true;
          log.info({ workers: slots.length, auth: m.auth, acct: m.acct }, 'radassoc serving');
        }
      });
      worker.on('exit', (code, signal) => {
        if (slot.worker !== worker) return;
        slot.worker = null;
        const lived = Date.now() - slot.startedAt;
        if (stopping) {
          if (code !== 0) log.warn({ slot: slot.index, workerPid: worker.process.pid, code, signal }, 'worker stopped with an error');
          finishIfDone();
          return;
        }
        if (!slot.ready && !everServed) {
          log.error({ slot: slot.index, code, signal }, 'worker could not start; stopping (see its error above)');
          stopAll('a worker could not start', code && code > 0 ? code : 1);
          return;
        }
        slot.failures = lived >= stableAfterMs ? 0 : slot.failures + 1;
        const delay = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** Math.max(0, slot.failures - 1));
        log.error({ slot: slot.index, workerPid: worker.process.pid, code, signal, restartInMs: delay }, 'worker died; restarting it');
        slot.timer = setTimeout(() => fork(slot), delay);
      });
    };

    const onSignal = (signal: NodeJS.Signals): void => stopAll(signal, 0);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    log.info({ workers: slots.length }, 'starting workers');
    for (const s of slots) fork(s);
  });
}
