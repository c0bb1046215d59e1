/**
 * A member-management tool's end of the webhooks: a real HTTP server on
 * loopback that records every request and answers as the test says, and an
 * independent check of the signature with node:crypto.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  /** What the listener answered (0: it never answered). */
  status: number;
}

/** How to answer the nth request (from 0): a status, or 'hang' to never answer. */
export type Respond = (r: Received, n: number) => number | 'hang' | Promise<number | 'hang'>;

export interface Listener {
  url: string;
  received: Received[];
  respond: Respond;
  waitFor(pred: (all: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startListener(respond: Respond = () => 200): Promise<Listener> {
  const received: Received[] = [];
  const listener: Listener = {
    url: '',
    received,
    respond,
    async waitFor(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > until) throw new Error(`listener: condition not met after ${timeoutMs} ms; received ${JSON.stringify(received.map((r) => [r.json?.type, r.status]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { headers: req.headers, body, json: JSON.parse(body), status: 0 };
      const n = received.length;
      received.push(r);
      void Promise.resolve(listener.respond(r, n)).then((status) => {
        if (status === 'hang') return;
        r.status = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  listener.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/radassoc/events`;
  // A hanging request must not keep close() waiting.
  const close = listener.close;
  listener.close = () => {
    server.closeAllConnections();
    return close();
  };
  return listener;
}

/** The receiver's check, written from docs/api.md alone: HMAC-SHA256 over "<timestamp>.<body>", compared in constant time. */
export function signatureValid(secret: string, r: Received): boolean {
  const ts = String(r.headers['x-radassoc-timestamp'] ?? '');
  const sent = String(r.headers['x-radassoc-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) < 300 && a.length === b.length && timingSafeEqual(a, b);
}
