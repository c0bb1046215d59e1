/**
 * `radassoc retention ...`: what is kept and for how long. rotate-key (the
 * connection register's identity key) lives in retention-key.ts.
 */
import type { Argv } from 'yargs';
import type { GlobalArgs } from './context.js';
import { registerRotateKey } from './retention-key.js';

export function registerRetention(cli: Argv<GlobalArgs>): void {
  cli.command('retention', 'what is kept, and for how long: rotate-key', (retention) => {
    registerRotateKey(retention);
    return retention.demandCommand(1, 'Name a retention command: rotate-key.');
  });
}
