/**
 * Opens live sessions through the daemon: one Accounting-Start per session,
 * a window of requests in flight, each retransmitted (same bytes) on timeout
 * like a NAS does. Bounded by the count, the retries and a deadline.
 */
import { createSocket } from 'node:dgram';
import { encodeRequest } from '../../src/protocol/encode.js';
import { AcctStatus, Attr, PacketCode } from '../../src/protocol/codes.js';
import type { RawAttribute } from '../../src/protocol/packet.js';
import { framedIp, username } from './population.js';

export interface OpenSessionsOptions {
  port: number;
  secret: string;
  sessions: number;
  /** Members to spread the sessions over (session i belongs to member i % users). */
  users: number;
  window?: number;
  timeoutMs?: number;
  retries?: number;
  deadlineMs: number;
}

const u32 = (type: number, v: number): RawAttribute => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return { type, value: b };
};
const ipv4 = (type: number, dotted: string): RawAttribute => ({ type, value: Buffer.from(dotted.split('.').map(Number)) });

export async function openSessions(o: OpenSessionsOptions): Promise<{ acked: number; failed: number; ms: number }> {
  const window = Math.min(o.window ?? 64, 255);
  const timeoutMs = o.timeoutMs ?? 2000;
  const retries = o.retries ?? 3;
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const t0 = performance.now();
  const deadline = Date.now() + o.deadlineMs;
  const inFlight = new Map<number, { pkt: Buffer; sentAt: number; tries: number }>();
  const freeIds: number[] = Array.from({ length: 256 }, (_, i) => i);
  let next = 0;
  let acked = 0;
  let failed = 0;
  const tag = process.pid.toString(16);
  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(timer);
      sock.close();
      resolve({ acked, failed: failed + inFlight.size + (o.sessions - next), ms: performance.now() - t0 });
    };
    const fill = (): void => {
      while (inFlight.size < window && next < o.sessions && freeIds.length > 0) {
        const id = freeIds.shift() as number;
        const i = next++;
        const pkt = encodeRequest(
          {
            code: PacketCode.AccountingRequest,
            identifier: id,
            attributes: [
              { type: Attr.UserName, value: Buffer.from(username(i % o.users)) },
              u32(Attr.AcctStatusType, AcctStatus.Start),
              { type: Attr.AcctSessionId, value: Buffer.from(`bench-${tag}-${i}`) },
              ipv4(Attr.NasIpAddress, '127.0.0.1'),
              u32(Attr.NasPort, i),
              ipv4(Attr.FramedIpAddress, framedIp(i % o.users)),
              u32(Attr.AcctInterimInterval, 600),
            ],
          },
          o.secret,
        );
        inFlight.set(id, { pkt, sentAt: Date.now(), tries: 1 });
        sock.send(pkt, o.port, '127.0.0.1');
      }
      if ((next >= o.sessions && inFlight.size === 0) || Date.now() > deadline) finish();
    };
    sock.on('message', (msg) => {
      const id = msg[1];
      if (id === undefined || msg[0] !== PacketCode.AccountingResponse || !inFlight.has(id)) return;
      inFlight.delete(id);
      freeIds.push(id);
      acked++;
      fill();
    });
    const timer = setInterval(() => {
      const now = Date.now();
      for (const [id, r] of inFlight) {
        if (now - r.sentAt < timeoutMs) continue;
        if (r.tries > retries) {
          inFlight.delete(id);
          freeIds.push(id);
          failed++;
          continue;
        }
        r.tries++;
        r.sentAt = now;
        sock.send(r.pkt, o.port, '127.0.0.1');
      }
      fill();
    }, 50);
    fill();
  });
}
