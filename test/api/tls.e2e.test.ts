/**
 * Direct TLS: with api.tlsCert and api.tlsKey the API answers over HTTPS
 * only; one of the two without the other stops the daemon at start with
 * what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { freshDb, startTestDaemon } from '../support/daemon.js';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { startApiDaemon, type ApiHarness } from './harness.js';

const dir = tempDir('radassoc-api-tls-');
const cert = join(dir, 'api.crt');
const key = join(dir, 'api.key');
let api: ApiHarness;

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const port = await freePort();
  api = await startApiDaemon({ api: { host: '127.0.0.1', port, tlsCert: cert, tlsKey: key } });
});

afterAll(async () => {
  await api?.stop();
});

const httpsGet = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    get(url, { ca: readFileSync(cert) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

describe('direct TLS', () => {
  it('serves the API over HTTPS with the configured certificate', async () => {
    expect(api.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpsGet(`${api.base}/api/openapi.json`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).openapi).toBe('3.1.0');
  });

  it('refuses a certificate without its key at start', async () => {
    const { url, db } = await freshDb();
    await db.close();
    const started = startTestDaemon(url, { api: { host: '127.0.0.1', port: await freePort(), tlsCert: cert, tlsKey: null } });
    await expect(started).rejects.toThrow('api.tlsCert and api.tlsKey go together');
  });
});
