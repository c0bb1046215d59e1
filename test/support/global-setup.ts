/** One PostgreSQL cluster and one Redis for the whole run; each suite makes its own database. */
import type { TestProject } from 'vitest/node';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './services.js';

let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Daemons the suites spawn keep the HTTP API off (its default port would be shared by all of them); a suite that tests it gives a port.
  process.env.RADASSOC_API_PORT ??= '0';
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  project.provide('postgresUrl', pg.url);
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await Promise.all([pg?.destroy(), redis?.destroy()]);
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
  }
}
