/**
 * A simulated NAS Dynamic Authorization Server (RFC 5176 §2): a real UDP
 * socket on loopback, the NasClient's coaPort, that records every
 * Disconnect-Request / CoA-Request with whether it was correctly signed, and
 * answers ACK, NAK (with an Error-Cause), or nothing.
 */
import { createSocket, type Socket } from 'node:dgram';
import { checkMessageAuthenticator, verifyRequestAuthenticator, type MessageAuthenticatorStatus } from '../../src/protocol/authenticator.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { parsePacket } from '../../src/protocol/decode.js';
import { encodeResponse } from '../../src/protocol/encode.js';
import { formatIPv4 } from '../../src/net/ip.js';
import { getAttribute, getString, type RadiusPacket } from '../../src/protocol/packet.js';

export type DasBehaviour =
  | { answer: 'ack' }
  | { answer: 'nak'; errorCause?: number }
  | { answer: 'silent' }
  /** Stay silent for the first `drop` copies of each request, then ACK. */
  | { answer: 'ack-after'; drop: number }
  /** Answer ACK signed with the wrong secret (the client must discard it). */
  | { answer: 'bad-signature' };

export interface ReceivedRequest {
  packet: RadiusPacket;
  raw: Buffer;
  from: { address: string; port: number };
  /** RFC 5176 §2.3: MD5(Code+ID+Length+16 zeros+Attributes+Secret) matched. */
  authenticatorValid: boolean;
  messageAuthenticator: MessageAuthenticatorStatus;
  userName: string | undefined;
  acctSessionId: string | undefined;
  framedIp: string | undefined;
  nasIp: string | undefined;
  /** Attribute types in wire order. */
  types: number[];
}

export class SimulatedDas {
  readonly received: ReceivedRequest[] = [];
  behaviour: DasBehaviour = { answer: 'ack' };
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly socket: Socket,
    readonly secret: string,
  ) {
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
  }

  static async open(secret: string, host = '127.0.0.1'): Promise<SimulatedDas> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new SimulatedDas(socket, secret);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Requests received, optionally of one kind (Disconnect-Request or CoA-Request). */
  requests(code?: PacketCode): ReceivedRequest[] {
    return this.received.filter((r) => code === undefined || r.packet.code === code);
  }

  reset(behaviour: DasBehaviour = { answer: 'ack' }): void {
    this.received.length = 0;
    this.seen.clear();
    this.behaviour = behaviour;
  }

  close(): void {
    this.socket.close();
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    const parsed = parsePacket(Buffer.from(msg));
    if (!parsed.ok) return;
    const p = parsed.packet;
    const ip = (t: number): string | undefined => {
      const v = getAttribute(p, t);
      return v?.length === 4 ? formatIPv4(v) : undefined;
    };
    this.received.push({
      packet: p,
      raw: p.raw,
      from: { address, port },
      authenticatorValid: verifyRequestAuthenticator(p, this.secret),
      messageAuthenticator: checkMessageAuthenticator(p, this.secret),
      userName: getString(p, Attr.UserName),
      acctSessionId: getString(p, Attr.AcctSessionId),
      framedIp: ip(Attr.FramedIpAddress),
      nasIp: ip(Attr.NasIpAddress),
      types: p.attributes.map((a) => a.type),
    });
    const key = p.raw.toString('hex');
    const copies = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, copies);
    this.answer(p, copies, address, port);
  }

  private answer(p: RadiusPacket, copies: number, address: string, port: number): void {
    const b = this.behaviour;
    if (b.answer === 'silent' || (b.answer === 'ack-after' && copies <= b.drop)) return;
    const isCoa = p.code === PacketCode.CoaRequest;
    const ack = isCoa ? PacketCode.CoaAck : PacketCode.DisconnectAck;
    const nak = isCoa ? PacketCode.CoaNak : PacketCode.DisconnectNak;
    const attributes = [];
    if (b.answer === 'nak' && b.errorCause !== undefined) {
      const v = Buffer.alloc(4);
      v.writeUInt32BE(b.errorCause);
      attributes.push({ type: Attr.ErrorCause, value: v });
    }
    const secret = b.answer === 'bad-signature' ? `${this.secret}-wrong` : this.secret;
    const reply = encodeResponse({ code: b.answer === 'nak' ? nak : ack, identifier: p.identifier, attributes }, p.authenticator, secret, {
      messageAuthenticator: true,
    });
    this.socket.send(reply, port, address);
  }
}
