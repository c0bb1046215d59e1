/**
 * The UDP sockets: one per port and address family (IPv4 and IPv6 unless a
 * bind address is given), with a large receive buffer so a burst of
 * reconnecting subscribers is not dropped by the kernel before we see it.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import type { Dispatcher, PortKind } from './dispatcher.js';

export interface UdpServerOptions {
  authPort: number;
  acctPort: number;
  /** null: every IPv4 and IPv6 address. */
  bind: string | null;
  receiveBufferBytes: number;
}

interface Bound {
  socket: Socket;
  id: string;
  kind: PortKind;
}

export class UdpServer {
  private bound: Bound[] = [];
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private accepting = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly options: UdpServerOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { authPort, acctPort, bind } = this.options;
    const addresses: Array<{ address: string; family: 'udp4' | 'udp6' }> = bind
      ? [{ address: bind, family: isIPv6(bind) ? 'udp6' : 'udp4' }]
      : [{ address: '0.0.0.0', family: 'udp4' }, { address: '::', family: 'udp6' }];
    this.accepting = true;
    for (const [kind, port] of [['auth', authPort], ['acct', acctPort]] as const) {
      for (const { address, family } of addresses) {
        try {
          this.bound.push(await this.listen(kind, port, address, family));
        } catch (e) {
          // A machine without IPv6 still serves IPv4 when no address was asked for.
          if (!bind && family === 'udp6') this.log.warn({ port, err: (e as Error).message }, 'IPv6 unavailable; serving IPv4 only');
          else {
            await this.stop();
            throw e;
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

  /** Stops reading new datagrams and resolves once every request in flight has been answered. */
  async stop(): Promise<void> {
    this.accepting = false;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.all(this.bound.map((b) => new Promise<void>((resolve) => b.socket.close(() => resolve()))));
    this.bound = [];
  }

  private listen(kind: PortKind, port: number, address: string, family: 'udp4' | 'udp6'): Promise<Bound> {
    const socket = createSocket({ type: family, ipv6Only: family === 'udp6', recvBufferSize: this.options.receiveBufferBytes });
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
    if (!this.accepting) return;
    this.inFlight++;
    this.dispatcher
      .handle({ msg, address: rinfo.address, port: rinfo.port, socketId: b.id, kind: b.kind })
      .then((response) => {
        if (response) b.socket.send(response, rinfo.port, rinfo.address);
      })
      .finally(() => {
        if (--this.inFlight === 0 && this.drained) {
          this.drained();
          this.drained = null;
        }
      });
  }
}
