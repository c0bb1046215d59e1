/**
 * A small Dynamic Authorization client (RFC 5176): sends one
 * Disconnect-Request or CoA-Request to a NAS and waits for its ACK or NAK,
 * retransmitting with backoff.
 *
 * - The Request Authenticator is computed (RFC 5176 §2.3, like Accounting-
 *   Request) and a Message-Authenticator is included (RFC 5176 §3.5 allows
 *   it; a growing number of NAS require it since BlastRADIUS).
 * - A retransmission is the same datagram, same Identifier, from the same
 *   source port (RFC 5080 §2.2.1): a NAS that already acted answers from its
 *   duplicate cache instead of acting twice.
 * - An answer counts only if it comes from the address and port we sent to,
 *   carries our Identifier and an expected code, and its Response
 *   Authenticator (and Message-Authenticator, if any) verify with the NAS's
 *   secret (RFC 5176 §3.5: otherwise silently discarded). Anything else is
 *   ignored and the wait goes on.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { canonicalAddress, familyOf, formatAddressInet, parseAddress } from '../net/ip.js';
import {
  Attr,
  checkMessageAuthenticator,
  encodeRequest,
  getUint32,
  PacketCode,
  parsePacket,
  type RawAttribute,
  type Secret,
  verifyResponseAuthenticator,
} from '../protocol/index.js';

export type CoaKind = 'disconnect' | 'coa';
export type CoaOutcome = 'ack' | 'nak' | 'timeout' | 'error';

export interface CoaRequest {
  kind: CoaKind;
  /** The NAS's address, an IPv4 or IPv6 literal. */
  host: string;
  /** Its Dynamic Authorization port (RFC 5176 §2.3 suggests 3799). */
  port: number;
  secret: Secret;
  /** Session identification and, for CoA, authorization attributes (RFC 5176 §3). */
  attributes: readonly RawAttribute[];
}

export interface CoaResult {
  outcome: CoaOutcome;
  /** Error-Cause of a NAK (RFC 5176 §3.5), when the NAS gave one. */
  errorCause?: number;
  /** Datagrams sent (1 + retransmissions). */
  attempts: number;
  ms: number;
  /** Why nothing could be sent, for outcome 'error'. */
  error?: string;
}

/** The seam lifecycle/ depends on; tests and the CLI use CoaClient. */
export interface CoaSender {
  send(req: CoaRequest): Promise<CoaResult>;
  close(): Promise<void>;
}

/** Wait after the 1st, 2nd and 3rd transmission: 7 s in all before giving up. */
export const DEFAULT_COA_TIMEOUTS_MS: readonly number[] = [1000, 2000, 4000];

export interface CoaClientOptions {
  /** Wait after each transmission, in ms; its length is the number of attempts. */
  timeoutsMs?: readonly number[];
  /** Source address for one family (a NAS may accept requests only from the RADIUS server's address). */
  localAddress?: string | null;
}

type Answer = { code: number; errorCause: number | undefined } | { closed: true };

interface Pending {
  requestAuthenticator: Buffer;
  secret: Secret;
  expected: readonly [ack: number, nak: number];
  answer: (a: Answer) => void;
}

interface Prepared {
  socket: Socket;
  bytes: Buffer;
  host: string;
  key: string;
  codes: { request: PacketCode; ack: number; nak: number };
  answered: Promise<Answer>;
}

const CODES: Record<CoaKind, { request: PacketCode; ack: number; nak: number }> = {
  disconnect: { request: PacketCode.DisconnectRequest, ack: PacketCode.DisconnectAck, nak: PacketCode.DisconnectNak },
  coa: { request: PacketCode.CoaRequest, ack: PacketCode.CoaAck, nak: PacketCode.CoaNak },
};

export class CoaClient implements CoaSender {
  private readonly timeouts: readonly number[];
  private readonly localAddress: string | null;
  private readonly sockets = new Map<4 | 6, Promise<Socket>>();
  private readonly pending = new Map<string, Pending>();
  private readonly lastId = new Map<string, number>();
  private closed = false;
  /** Datagrams received that answered nothing we sent (bad authenticator, unknown id, wrong code). */
  discarded = 0;

  constructor(opts: CoaClientOptions = {}) {
    this.timeouts = opts.timeoutsMs && opts.timeoutsMs.length > 0 ? opts.timeoutsMs : DEFAULT_COA_TIMEOUTS_MS;
    this.localAddress = opts.localAddress ?? null;
  }

  async send(req: CoaRequest): Promise<CoaResult> {
    const started = Date.now();
    const prepared = await this.prepare(req);
    if ('error' in prepared) return { outcome: 'error', attempts: 0, ms: Date.now() - started, error: prepared.error };
    const { socket, bytes, host, key, codes, answered } = prepared;
    let attempts = 0;
    try {
      for (const wait of this.timeouts) {
        attempts++;
        const failed = await sendTo(socket, bytes, req.port, host);
        if (failed !== null) return { outcome: 'error', attempts, ms: Date.now() - started, error: `cannot send to ${host}:${req.port}: ${failed}` };
        const a = await within(answered, wait);
        if (a === null) continue;
        if ('closed' in a) return { outcome: 'error', attempts, ms: Date.now() - started, error: 'the CoA client was closed while waiting' };
        const result: CoaResult = { outcome: a.code === codes.ack ? 'ack' : 'nak', attempts, ms: Date.now() - started };
        if (a.errorCause !== undefined) result.errorCause = a.errorCause;
        return result;
      }
      return { outcome: 'timeout', attempts, ms: Date.now() - started };
    } finally {
      this.pending.delete(key);
    }
  }

  /**
   * Checks the destination, takes an Identifier, builds the datagram and
   * registers the wait for its answer (in one synchronous step after the
   * socket is ready, so no other request can take the same Identifier), or
   * says why it cannot be sent.
   */
  private async prepare(req: CoaRequest): Promise<Prepared | { error: string }> {
    if (this.closed) return { error: 'the CoA client is closed' };
    const address = parseAddress(req.host);
    if (!address) return { error: `${JSON.stringify(req.host)} is not an IP address` };
    const family = familyOf(address);
    const host = formatAddressInet(address);
    if (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535) return { error: `CoA port ${req.port} is not a port number` };
    const codes = CODES[req.kind];
    const dest = `${host}|${req.port}`;
    try {
      const socket = await this.socket(family);
      const id = this.allocateId(dest);
      if (id === null) return { error: `256 requests to ${host}:${req.port} are already waiting for an answer` };
      const bytes = encodeRequest({ code: codes.request, identifier: id, attributes: req.attributes }, req.secret, { messageAuthenticator: true });
      const key = `${dest}|${id}`;
      let answer!: (a: Answer) => void;
      const answered = new Promise<Answer>((resolve) => (answer = resolve));
      this.pending.set(key, { requestAuthenticator: bytes.subarray(4, 20), secret: req.secret, expected: [codes.ack, codes.nak], answer });
      return { socket, bytes, host, key, codes, answered };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.answer({ closed: true });
    const sockets = await Promise.allSettled([...this.sockets.values()]);
    this.sockets.clear();
    await Promise.all(
      sockets.map((s) => (s.status === 'fulfilled' ? new Promise<void>((resolve) => s.value.close(() => resolve())) : undefined)),
    );
  }

  /** The next Identifier for this destination not waiting for an answer (RFC 2865 §3: per source port). */
  private allocateId(dest: string): number | null {
    const start = this.lastId.get(dest) ?? Math.floor(Math.random() * 256);
    for (let i = 1; i <= 256; i++) {
      const id = (start + i) & 0xff;
      if (!this.pending.has(`${dest}|${id}`)) {
        this.lastId.set(dest, id);
        return id;
      }
    }
    return null;
  }

  private socket(family: 4 | 6): Promise<Socket> {
    let s = this.sockets.get(family);
    if (!s) {
      s = new Promise<Socket>((resolve, reject) => {
        const sock = createSocket(family === 4 ? 'udp4' : 'udp6');
        sock.once('error', reject);
        sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
        const local = this.localAddress !== null && isIP(this.localAddress) === family ? this.localAddress : undefined;
        sock.bind(0, local, () => {
          sock.off('error', reject);
          // A later socket error must not kill the process; sends report their own failures.
          sock.on('error', () => undefined);
          // Pending waits hold timers; an idle socket must not keep a CLI alive.
          sock.unref();
          resolve(sock);
        });
      });
      this.sockets.set(family, s);
      s.catch(() => this.sockets.delete(family));
    }
    return s;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const parsed = parsePacket(msg);
    const from = canonicalAddress(rinfo.address.replace(/%.*$/, ''));
    const p = parsed.ok && from !== null ? this.pending.get(`${from}|${rinfo.port}|${parsed.packet.identifier}`) : undefined;
    if (!parsed.ok || !p || !p.expected.includes(parsed.packet.code)) {
      this.discarded++;
      return;
    }
    const packet = parsed.packet;
    const ma = checkMessageAuthenticator(packet, p.secret, p.requestAuthenticator);
    if (!verifyResponseAuthenticator(packet, p.requestAuthenticator, p.secret) || ma === 'invalid' || ma === 'malformed') {
      this.discarded++;
      return;
    }
    p.answer({ code: packet.code, errorCause: getUint32(packet, Attr.ErrorCause) });
  }
}

function sendTo(socket: Socket, bytes: Buffer, port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      socket.send(bytes, port, host, (err) => resolve(err ? err.message : null));
    } catch (e) {
      resolve(e instanceof Error ? e.message : String(e));
    }
  });
}

/** The promise's value if it settles within `ms`, else null (the promise stays usable for the next wait). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}
