/**
 * Which addresses the UDP listeners bind. An explicit `bind` is obeyed. With
 * none (`bind: null`), a daemon whose NAS clients are all on loopback (the
 * try-out's first start) listens on 127.0.0.1 and ::1 only: nothing outside
 * the machine could be answered anyway, and nothing outside reaches it. A NAS
 * added later elsewhere is served after a restart, which then binds every
 * address; until then the daemon says so in its log.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import { listNas } from '../db/nas.js';
import { CHANNELS } from '../db/notify.js';
import { isLoopbackBlock } from '../net/ip.js';

export type ListenScope = 'given' | 'loopback' | 'every';

/**
 * Every NAS is on loopback, and there is at least one: with none, a NAS added
 * later must be reachable. Never in a container: published ports arrive on
 * its own interface, not on its loopback.
 */
export function listenScope(bind: string | null, nasAddresses: readonly string[], inContainer = false): ListenScope {
  if (bind !== null) return 'given';
  return !inContainer && nasAddresses.length > 0 && nasAddresses.every(isLoopbackBlock) ? 'loopback' : 'every';
}

/**
 * While listening on loopback only, warns once per NAS that is added outside
 * it: its requests cannot arrive until the daemon restarts.
 */
export async function warnOfUnreachableNas(db: Db, log: Logger): Promise<() => Promise<void>> {
  const warned = new Set<string>();
  return db.listen(CHANNELS.nas, () => {
    void listNas(db)
      .then((all) => {
        for (const n of all) {
          if (isLoopbackBlock(n.address) || warned.has(n.name)) continue;
          warned.add(n.name);
          log.warn(
            { nas: n.name, address: n.address },
            'this NAS cannot reach radassoc yet: it listens on 127.0.0.1 and ::1 only; restart radassoc to listen on every address (or serve --bind ADDR)',
          );
        }
      })
      .catch((e: Error) => log.warn({ err: e.message }, 'NAS list unreadable'));
  });
}
