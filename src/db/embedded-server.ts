/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol on loopback,
 * so the CLI in another terminal reaches the daemon's database with plain `pg`.
 *
 * Why not @electric-sql/pglite-socket's PGLiteSocketServer (0.2.17)? PGlite is
 * ONE backend session, and that server multiplexes every socket onto it one
 * protocol message at a time. Tested against it:
 *  - a daemon query that arrives while a socket client is inside BEGIN..COMMIT
 *    runs inside the client's transaction (a CLI ROLLBACK silently undid the
 *    daemon's insert), and socket queries can land inside a daemon transaction;
 *  - output goes to the socket raw, so a NOTIFY committed by a socket client
 *    never reaches PGlite's listen() callbacks: the daemon's cache would not
 *    hear about a `member suspend` made from the CLI.
 * This server fixes both: a connection leases the whole backend (PGlite's own
 * transaction mutex, which the daemon's query()/transaction() also take) from
 * its first message until the backend reports ReadyForQuery "idle" again, so
 * nothing interleaves with an open transaction or a half-sent
 * Parse/Bind/Execute; and it scans the outgoing stream for
 * NotificationResponse messages and hands them to the daemon's listeners.
 *
 * Limits (one shared session): named prepared statements, SET, LISTEN and
 * temporary tables are shared between all clients; COPY and CancelRequest are
 * not supported. The CLI needs none of them.
 */
import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

export interface WireServerOptions {
  pglite: PGlite;
  host: string;
  /** 0 picks a free port. */
  port: number;
  onNotification: (channel: string, payload: string) => void;
  /** A client idle inside a transaction this long is disconnected (rolled back), freeing the daemon. */
  idleInTransactionMs?: number;
  maxConnections?: number;
}

export interface WireServer {
  readonly port: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
/** Messages after which the client waits for an answer: Sync, Query, Flush, CopyDone, CopyFail. */
const UNIT_END = new Set(['S', 'Q', 'H', 'c', 'f'].map((c) => c.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);
const READY = 'Z'.charCodeAt(0);
const NOTIFICATION = 'A'.charCodeAt(0);
const IDLE = 'I'.charCodeAt(0);
const MAX_PENDING = 64 * 1024 * 1024;

function simpleQuery(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg.write('Q', 0, 'latin1');
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);
const ROLLBACK = simpleQuery('ROLLBACK');

/** Follows backend message boundaries across chunks; keeps only what it needs (A and Z bodies). */
class BackendScanner {
  #head = Buffer.alloc(5);
  #headLen = 0;
  #type = 0;
  #remaining = 0;
  #body: Buffer[] | null = null;
  #lastType = 0;
  #lastStatus = 0;

  constructor(private readonly onNotification: (channel: string, payload: string) => void) {}

  /** True when the last complete message was ReadyForQuery with status idle (not in a transaction). */
  get idle(): boolean {
    return this.#headLen === 0 && this.#lastType === READY && this.#lastStatus === IDLE;
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#headLen < 5) {
        const n = Math.min(5 - this.#headLen, chunk.length - i);
        chunk.copy(this.#head, this.#headLen, i, i + n);
        this.#headLen += n;
        i += n;
        if (this.#headLen < 5) return;
        this.#type = this.#head[0] ?? 0;
        this.#remaining = this.#head.readInt32BE(1) - 4;
        this.#body = this.#type === READY || this.#type === NOTIFICATION ? [] : null;
        if (this.#remaining <= 0) this.#finish();
        continue;
      }
      const n = Math.min(this.#remaining, chunk.length - i);
      this.#body?.push(chunk.subarray(i, i + n));
      this.#remaining -= n;
      i += n;
      if (this.#remaining === 0) this.#finish();
    }
  }

  #finish(): void {
    const body = this.#body ? Buffer.concat(this.#body) : null;
    this.#lastType = this.#type;
    this.#headLen = 0;
    this.#body = null;
    if (!body) return;
    if (this.#type === READY) this.#lastStatus = body[0] ?? 0;
    if (this.#type === NOTIFICATION) {
      const channelEnd = body.indexOf(0, 4);
      const payloadEnd = body.indexOf(0, channelEnd + 1);
      this.onNotification(body.toString('utf8', 4, channelEnd), body.toString('utf8', channelEnd + 1, payloadEnd));
    }
  }
}

/** Holds PGlite's transaction mutex until released: the daemon's queries wait meanwhile. */
function leaseBackend(pglite: PGlite): Promise<() => void> {
  return new Promise((resolve, reject) => {
    pglite._runExclusiveTransaction(() => new Promise<void>((release) => resolve(() => release()))).catch(reject);
  });
}

class Connection {
  #buf: Buffer = Buffer.alloc(0);
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #started = false;
  #closed = false;
  #lease: (() => void) | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #chain: Promise<void> = Promise.resolve();
  readonly #scanner: BackendScanner;

  constructor(
    private readonly socket: Socket,
    private readonly opts: Required<Pick<WireServerOptions, 'pglite' | 'idleInTransactionMs' | 'onNotification'>>,
  ) {
    this.#scanner = new BackendScanner(opts.onNotification);
    this.finished = new Promise<void>((resolve) => (this.#finished = resolve));
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.#onData(d));
    socket.on('error', () => undefined); // 'close' follows and cleans up
    socket.on('close', () => this.#onClose());
  }

  #finished: () => void = () => undefined;
  /** Resolves once the socket is closed and the backend handed back clean. */
  readonly finished: Promise<void>;

  destroy(): void {
    this.socket.destroy();
  }

  #onData(data: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, data]) : data;
    while (!this.#closed) {
      const msg = this.#started ? this.#takeTyped() : this.#takeStartup();
      if (!msg) break;
    }
  }

  #takeStartup(): boolean {
    if (this.#buf.length < 8) return false;
    const len = this.#buf.readInt32BE(0);
    if (len < 8 || len > 10_000) return this.#fail();
    if (this.#buf.length < len) return false;
    const code = this.#buf.readInt32BE(4);
    const msg = this.#buf.subarray(0, len);
    this.#buf = this.#buf.subarray(len);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N'); // no encryption on loopback
      return true;
    }
    if (code !== PROTOCOL_3) return this.#fail(); // CancelRequest and unknown versions
    this.#started = true;
    this.#enqueue(Buffer.from(msg));
    return true;
  }

  #takeTyped(): boolean {
    if (this.#buf.length < 5) return false;
    const total = 1 + this.#buf.readInt32BE(1);
    if (total < 5) return this.#fail();
    if (this.#buf.length < total) return false;
    const type = this.#buf[0] ?? 0;
    const msg = Buffer.from(this.#buf.subarray(0, total));
    this.#buf = this.#buf.subarray(total);
    if (type === TERMINATE) {
      this.socket.end();
      return false;
    }
    this.#pending.push(msg);
    this.#pendingBytes += total;
    if (this.#pendingBytes > MAX_PENDING) return this.#fail();
    if (UNIT_END.has(type)) {
      const unit = Buffer.concat(this.#pending);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#enqueue(unit);
    }
    return true;
  }

  #fail(): boolean {
    this.socket.destroy();
    return false;
  }

  #enqueue(unit: Uint8Array): void {
    this.#chain = this.#chain
      .then(() => this.#run(unit))
      .catch(() => void this.socket.destroy());
  }

  async #run(unit: Uint8Array): Promise<void> {
    if (this.#closed) return;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#lease ??= await leaseBackend(this.opts.pglite);
    if (this.#closed) return; // #onClose's cleanup (queued after us) hands the backend back
    const { pglite } = this.opts;
    await pglite._runExclusiveQuery(() =>
      pglite.execProtocolRawStream(unit, {
        onRawData: (bytes) => {
          const chunk = Buffer.from(bytes); // a copy: PGlite reuses its buffer
          this.#scanner.push(chunk);
          if (!this.socket.destroyed) this.socket.write(chunk);
        },
      }),
    );
    if (this.#scanner.idle) {
      this.#releaseLease();
    } else {
      this.#idleTimer = setTimeout(() => this.socket.destroy(), this.opts.idleInTransactionMs);
      this.#idleTimer.unref();
    }
  }

  #releaseLease(): void {
    const release = this.#lease;
    this.#lease = null;
    release?.();
  }

  #onClose(): void {
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#chain = this.#chain.then(async () => {
      if (!this.#lease) return;
      const { pglite } = this.opts;
      const discard = { onRawData: () => undefined };
      try {
        // End any half-sent extended-protocol exchange, then any open transaction.
        await pglite._runExclusiveQuery(async () => {
          await pglite.execProtocolRawStream(SYNC, discard);
          if (pglite.isInTransaction()) await pglite.execProtocolRawStream(ROLLBACK, discard);
        });
      } finally {
        this.#releaseLease();
      }
    });
    void this.#chain.finally(() => this.#finished());
  }
}

export async function startWireServer(opts: WireServerOptions): Promise<WireServer> {
  const connections = new Set<Connection>();
  const connOpts = {
    pglite: opts.pglite,
    onNotification: opts.onNotification,
    idleInTransactionMs: opts.idleInTransactionMs ?? 60_000,
  };
  const server = createServer((socket) => {
    const conn = new Connection(socket, connOpts);
    connections.add(conn);
    void conn.finished.then(() => connections.delete(conn));
  });
  server.maxConnections = opts.maxConnections ?? 32;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const all = [...connections];
      for (const c of all) c.destroy();
      await Promise.all(all.map((c) => c.finished));
      await closed;
    },
  };
}
