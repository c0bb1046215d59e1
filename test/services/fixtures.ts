/** Service dependencies for the service suites: real PostgreSQL, an in-process live-session store, a real CoA client. */
import { flushUsage } from '../../src/accounting/flusher.js';
import type { MemoryStore } from '../../src/accounting/memory-store.js';
import { CoaClient } from '../../src/coa/client.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config/schema.js';
import type { Db } from '../../src/db/db.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { silentLog, storeWith } from '../lifecycle/fixtures.js';

export interface TestDeps extends ServiceDeps {
  sessions: MemoryStore;
  coa: CoaClient;
}

/** ServiceDeps over `db` with an empty store (or `store`), the default config with `config` over it, and a clock. */
export async function serviceDeps(db: Db, over: { config?: Partial<Config>; store?: MemoryStore; now?: () => number } = {}): Promise<TestDeps> {
  const sessions = over.store ?? (await storeWith());
  return {
    db,
    config: { ...DEFAULT_CONFIG, ...over.config },
    sessions,
    coa: new CoaClient({ timeoutsMs: [50, 100] }),
    log: silentLog,
    flush: () => flushUsage(sessions, db),
    now: over.now ?? (() => Date.now()),
  };
}
