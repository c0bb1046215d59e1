/** A fresh, empty PostgreSQL database per suite, in the cluster the global setup started. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export async function freshDatabaseUrl(): Promise<string> {
  const admin = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/postgres$/, `/${name}`);
}

/** A Redis key prefix unique to the calling suite, so suites share one server safely. */
export function redisPrefix(): string {
  return `t${randomBytes(4).toString('hex')}:`;
}
