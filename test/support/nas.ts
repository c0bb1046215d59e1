/**
 * A simulated NAS: a real UDP socket on loopback that sends requests built by
 * the protocol encoder and checks every answer's Response Authenticator.
 */
import { createSocket, type Socket } from 'node:dgram';
import { encodeRequest, type RequestSpec } from '../../src/protocol/encode.js';
import { verifyResponseAuthenticator } from '../../src/protocol/authenticator.js';
import { parsePacket } from '../../src/protocol/decode.js';
import type { RadiusPacket, RawAttribute } from '../../src/protocol/packet.js';

export class SimulatedNas {
  private nextId = 0;
  private constructor(
    private readonly socket: Socket,
    readonly secret: string,
    /** Where the server listens. */
    readonly server: string,
  ) {}

  /** A NAS sending from `host` (any 127.0.0.0/8 address works on Linux) to `server`. */
  static async open(secret: string, host = '127.0.0.1', server = host.includes(':') ? '::1' : '127.0.0.1'): Promise<SimulatedNas> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new SimulatedNas(socket, secret, server);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends raw bytes and waits for any answer, or null after timeoutMs. */
  async sendRaw(bytes: Buffer, port: number, timeoutMs = 800): Promise<Buffer | null> {
    return new Promise((resolve) => {
      const onMessage = (msg: Buffer): void => {
        clearTimeout(timer);
        this.socket.off('message', onMessage);
        resolve(msg);
      };
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        resolve(null);
      }, timeoutMs);
      this.socket.on('message', onMessage);
      this.socket.send(bytes, port, this.server);
    });
  }

  /** Builds, sends and waits; returns the verified response, or null when none came. */
  async request(
    spec: Omit<RequestSpec, 'identifier'> & { identifier?: number },
    port: number,
    opts: { messageAuthenticator?: boolean; timeoutMs?: number } = {},
  ): Promise<{ response: RadiusPacket | null; sent: Buffer }> {
    const identifier = spec.identifier ?? (this.nextId = (this.nextId + 1) & 0xff);
    const sent = encodeRequest({ ...spec, identifier }, this.secret, opts.messageAuthenticator === undefined ? undefined : { messageAuthenticator: opts.messageAuthenticator });
    const raw = await this.sendRaw(sent, port, opts.timeoutMs);
    if (!raw) return { response: null, sent };
    const parsed = parsePacket(raw);
    if (!parsed.ok) throw new Error(`unparseable response: ${parsed.reason}`);
    if (!verifyResponseAuthenticator(parsed.packet, sent.subarray(4, 20), this.secret)) throw new Error('response authenticator does not verify');
    return { response: parsed.packet, sent };
  }

  close(): void {
    this.socket.close();
  }
}

export const attr = (type: number, value: string | Buffer | number): RawAttribute => {
  if (typeof value === 'number') {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    return { type, value: b };
  }
  return { type, value: typeof value === 'string' ? Buffer.from(value) : value };
};
