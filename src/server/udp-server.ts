/**
 * The UDP sockets: one per port and address family (IPv4 and IPv6 unless a
 * bind address is given), with a large receive buffer so a burst of
 * reconnecting subscribers is not dropped by the kernel before we see it.
 * Each datagram from a known NAS goes through that NAS's fair queue
 * (fairness.ts) before the dispatcher works on it.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import { lookup, type LookupOneOptions } from 'node:dns';
import type { Logger } from 'pino';
import type { Datagram, Dispatcher, PortKind } from './dispatcher.js';
import type { ServedNas } from '../auth/nas-directory.js';
import { DEFAULT_FAIRNESS, FairQueue, type FairQueueOptions } from './fairness.js';
import { listenError } from '../listen-errors.js';

export interface UdpServerOptions {
  authPort: number;
  acctPort: number;
  /** null: every IPv4 and IPv6 address (or loopback only, below). */
  bind: string | null;
  /** With bind null: 127.0.0.1 and ::1 only (listen-addresses.ts decides). */
  loopbackOnly?: boolean;
  receiveBufferBytes: number;
  /** Per-NAS queue and in-flight bounds; DEFAULT_FAIRNESS when omitted. */
  fairness?: FairQueueOptions;
  /** NAS over its failed-login threshold (login guard): its Access-Requests are rate-limited. */
  isThrottled?: (nas: string) => boolean;
  /** How long stop() waits for the requests in flight before it gives up on them (default 10 s). */
  drainMs?: number;
}

const DEFAULT_DRAIN_MS = 10_000;

interface Bound {
  socket: Socket;
  id: string;
  kind: PortKind;
}

/** A datagram waiting in a fair queue: what the dispatcher needs, and where to answer. */
interface Received extends Datagram {
  socket: Socket;
  nas: ServedNas;
}

export class UdpServer {
  private bound: Bound[] = [];
  private accepting = false;
  /** stop() gave up waiting: what is still queued or in flight gets no answer (already counted). */
  private abandoned = false;
  /** Access-Requests and accounting queue apart: only the former are throttled for failed logins. */
  private readonly queues: Record<PortKind, FairQueue<Received>>;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly options: UdpServerOptions,
    private readonly log: Logger,
  ) {
    const fairness = options.fairness ?? DEFAULT_FAIRNESS;
    this.queues = {
      auth: new FairQueue(this.serve, { ...fairness, isThrottled: options.isThrottled }),
      acct: new FairQueue(this.serve, { ...fairness, isThrottled: undefined }),
    };
  }

  async start(): Promise<void> {
    const { authPort, acctPort, bind } = this.options;
    const addresses: Array<{ address: string; family: 'udp4' | 'udp6' }> = bind
      ? [{ address: bind, family: isIPv6(bind) ? 'udp6' : 'udp4' }]
      : this.options.loopbackOnly
        ? [{ address: '127.0.0.1', family: 'udp4' }, { address: '::1', family: 'udp6' }]
        : [{ address: '0.0.0.0', family: 'udp4' }, { address: '::', family: 'udp6' }];
    this.accepting = true;
    for (const [kind, port] of [['auth', authPort], ['acct', acctPort]] as const) {
      for (const { address, family } of addresses) {
        try {
          this.bound.push(await this.listen(kind, port, address, family));
        } catch (e) {
          // A machine without IPv6 still serves IPv4 when no address was asked for;
          // a port taken on IPv6 alone is taken all the same.
          const code = (e as NodeJS.ErrnoException).code;
          if (!bind && family === 'udp6' && code !== 'EADDRINUSE' && code !== 'EACCES') this.log.warn({ port, err: (e as Error).message }, 'IPv6 unavailable; serving IPv4 only');
          else {
            await this.stop();
            throw udpListenError(e, kind, port, address);
          }
        }
      }
    }
  }

  /** The ports actually bound (useful with port 0 in tests). */
  ports(): { auth: number; acct: number } {
    const port = (kind: PortKind): number => this.bound.find((b) => b.kind === kind)?.socket.address().port ?? 0;
    return { auth: port('auth'), acct: port('acct') };
  }

  /**
   * Stops taking new datagrams and resolves once every request in flight has
   * been answered, or after drainMs: then the rest is abandoned (a NAS
   * retransmits to its next server) and counted as 'shutting-down'.
   */
  async stop(): Promise<void> {
    this.accepting = false;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), this.options.drainMs ?? DEFAULT_DRAIN_MS)));
    const idle = Promise.all([this.queues.auth.idle(), this.queues.acct.idle()]).then(() => false as const);
    if (await Promise.race([idle, gaveUp])) {
      this.abandoned = true;
      const [a, b] = [this.queues.auth.stats(), this.queues.acct.stats()];
      const queued = a.queued + b.queued;
      const inFlight = a.inFlight + b.inFlight;
      this.dispatcher.abandon(queued, inFlight);
      this.log.warn({ queued, inFlight, drainMs: this.options.drainMs ?? DEFAULT_DRAIN_MS }, 'stopping without answering the requests still in flight');
    }
    clearTimeout(timer);
    await Promise.all(this.bound.map((b) => new Promise<void>((resolve) => b.socket.close(() => resolve()))));
    this.bound = [];
  }

  private listen(kind: PortKind, port: number, address: string, family: 'udp4' | 'udp6'): Promise<Bound> {
    const socket = createSocket({ type: family, ipv6Only: family === 'udp6', recvBufferSize: this.options.receiveBufferBytes, lookup: literalAddress });
    const id = `${kind}/${family}`;
    const bound: Bound = { socket, id, kind };
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        socket.on('error', (e) => this.log.error({ err: e.message, socket: id }, 'socket error'));
        socket.on('message', (msg, rinfo) => this.onMessage(bound, msg, rinfo));
        const got = socket.getRecvBufferSize();
        // Linux reports double the size it grants; below what we asked means net.core.rmem_max caps us.
        if (got < this.options.receiveBufferBytes) {
          this.log.warn({ socket: id, requested: this.options.receiveBufferBytes, granted: got }, 'UDP receive buffer smaller than configured; raise net.core.rmem_max');
        }
        this.log.info({ socket: id, address, port: socket.address().port }, 'listening');
        resolve(bound);
      });
    });
  }

  private onMessage(b: Bound, msg: Buffer, rinfo: RemoteInfo): void {
    const { address, port } = rinfo;
    if (!this.accepting) return this.dispatcher.refuse('shutting-down', { msg, address, port, socketId: b.id, kind: b.kind });
    const nas = this.dispatcher.lookupNas(address);
    // Unknown sources are refused here, before any queue: they must not get a tenant each.
    if (!nas) return this.dispatcher.refuse('unknown-nas', { msg, address, port, socketId: b.id, kind: b.kind });
    const r: Received = { msg, address, port, socketId: b.id, kind: b.kind, socket: b.socket, nas };
    if (!this.queues[b.kind].offer(nas.name, r)) this.dispatcher.overloaded(r, nas);
  }

  /** Runs one queued request and sends its answer. Never rejects: the fair queue counts it finished either way. */
  private readonly serve = async (r: Received): Promise<void> => {
    if (this.abandoned) return;
    let response: Buffer | null;
    try {
      response = await this.dispatcher.handle(r, r.nas);
    } catch (e) {
      // handle() promises never to throw; should it, the request goes unanswered but the server goes on.
      this.log.error({ err: (e as Error).message, nas: r.nas.name }, 'request failed; not answered');
      return;
    }
    if (!response || this.abandoned) return;
    try {
      r.socket.send(response, r.port, r.address);
    } catch (e) {
      this.log.warn({ err: (e as Error).message, socket: r.socketId }, 'answer not sent');
    }
  };
}

/** The RADIUS ports (RFC 2865 §3, RFC 2866 §3) are FreeRADIUS's too: name it when they are taken. */
function udpListenError(e: unknown, kind: PortKind, port: number, address: string): unknown {
  const radius = port === 1812 || port === 1813;
  return listenError(e, {
    protocol: 'UDP',
    host: address,
    port,
    purpose: kind === 'auth' ? 'RADIUS authentication' : 'RADIUS accounting',
    move: kind === 'auth' ? '--auth-port or authPort in the config file' : '--acct-port or acctPort in the config file',
    culprit: radius
      ? 'FreeRADIUS may be running (systemctl stop freeradius), or another radassoc daemon'
      : 'another radassoc daemon may be running',
    hostSetting: '--bind (bind in the config file)',
  });
}

/**
 * dgram resolves the destination of every send through this lookup (by
 * default dns.lookup, which answers an IP literal on the next tick). We only
 * ever answer the source address of a datagram, always a literal, so the
 * answer is given at once: no tick, no closure per reply.
 */
function literalAddress(hostname: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = isIP(hostname);
  if (family !== 0) return callback(null, hostname, family);
  lookup(hostname, options, callback);
}
