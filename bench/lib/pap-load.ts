/**
 * pap-load: PAP load over UDP with a realm per group of users, which radload
 * (one user-name format, one %d) cannot send. Same contract as radload and
 * mschap-load.ts as far as the bench uses it: W requests in flight over
 * ceil(W/256) connected sockets (256 Identifiers each, RFC 2865 §3), users
 * "user%06d" / "pass%06d" for an index in [0, USERS), a Message-Authenticator
 * first in every Access-Request (RFC 3579 §3.2), every Response Authenticator
 * checked, and radload's last line, which bench/lib/radload.ts parses.
 *
 * Usage: node bench/out/bench/lib/pap-load.js -s 127.0.0.1:1812 -S secret
 *          [-n N] [-w WINDOW] [-U USERS] [-g GROUPS] [-r] [-T TIMEOUT_MS]
 * The users are GROUPS blocks of USERS/GROUPS (a tenant each); request n goes
 * to block n % GROUPS, so consecutive requests cross every block. With -r the
 * User-Name carries the block's realm, "user%06d@realm-K"; without, the same
 * users in the same order are sent bare. Both sides of a comparison then send
 * the same sequence, differing only by the realm.
 *
 * Runs as its own process, so that the bench driver's event loop does not
 * disturb the timing, and it gets a core to itself as radload does.
 */
import { hash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { hidePassword } from '../../src/protocol/user-password.js';
import { AuthenticatorPool, ResponseChecker, SlotSigner, signedAccept } from './mschap-packets.js';

export const username = (i: number): string => `user${String(i).padStart(6, '0')}`;
export const password = (i: number): string => `pass${String(i).padStart(6, '0')}`;
export const realm = (group: number): string => `realm-${group}`;

interface Options {
  host: string;
  port: number;
  secret: Buffer;
  total: number;
  window: number;
  users: number;
  groups: number;
  realms: boolean;
  timeoutMs: number;
}

const MAX_SOCKETS = 64; // as radload: at most 64 * 256 in flight

function wholeNumber(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, got ${text}`);
  return n;
}

function options(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string', short: 's', default: '127.0.0.1:1812' },
      secret: { type: 'string', short: 'S', default: 'testing123' },
      requests: { type: 'string', short: 'n', default: '10000' },
      window: { type: 'string', short: 'w', default: '64' },
      users: { type: 'string', short: 'U', default: '1000' },
      groups: { type: 'string', short: 'g', default: '1' },
      realms: { type: 'boolean', short: 'r', default: false },
      timeout: { type: 'string', short: 'T', default: '2000' }, // radload's -T default
    },
  });
  const m = /^([\d.]+):(\d+)$/.exec(v.server);
  if (!m) throw new Error(`-s wants host:port, got ${v.server}`);
  const users = wholeNumber('-U', v.users, 1);
  const groups = wholeNumber('-g', v.groups, 1);
  if (users % groups !== 0) throw new Error(`-U (${users}) must be a multiple of -g (${groups}): every group has as many users`);
  return {
    host: m[1]!,
    port: wholeNumber('port', m[2]!, 1),
    secret: Buffer.from(v.secret, 'utf8'),
    total: wholeNumber('-n', v.requests, 1),
    window: Math.min(wholeNumber('-w', v.window, 1), MAX_SOCKETS * 256),
    users,
    groups,
    realms: v.realms,
    timeoutMs: wholeNumber('-T', v.timeout, 1),
  };
}

/** One user's Access-Request, built once: only the Identifier, authenticators and hidden password change per request. */
interface UserPacket {
  /** Identifier, Request Authenticator, Message-Authenticator and User-Password value still zero. */
  request: Buffer;
  /** Where the User-Password value starts. */
  passwordAt: number;
  /** The password padded with NULs to 16 octets (RFC 2865 §5.2). */
  padded: Buffer;
}

/** RFC 2865 §5: type, length, value. */
function attr(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

function int(type: number, n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return attr(type, b);
}

/** radload's PAP request: Message-Authenticator first, User-Name, User-Password, then the same NAS attributes. */
function userPacket(i: number, name: string): UserPacket {
  const pw = Buffer.from(password(i), 'utf8');
  if (pw.length > 16) throw new Error('passwords of more than 16 octets are not supported'); // one MD5 block per request
  const head = Buffer.concat([attr(Attr.MessageAuthenticator, Buffer.alloc(16)), attr(Attr.UserName, Buffer.from(name, 'utf8'))]);
  const body = Buffer.concat([
    head,
    attr(Attr.UserPassword, Buffer.alloc(16)),
    attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1])),
    int(Attr.NasPort, i % 65536),
    int(Attr.NasPortType, 5), // Virtual
    int(Attr.ServiceType, 2), // Framed
    int(Attr.FramedProtocol, 1), // PPP
  ]);
  const header = Buffer.alloc(20);
  header[0] = PacketCode.AccessRequest;
  header.writeUInt16BE(20 + body.length, 2);
  const padded = Buffer.alloc(16);
  pw.copy(padded);
  return { request: Buffer.concat([header, body]), passwordAt: 20 + head.length + 2, padded };
}

/** The user index of the n-th request: group n % G, then the group's users in turn. */
function userOf(n: number, o: Options): number {
  const per = o.users / o.groups;
  const group = n % o.groups;
  return group * per + (Math.floor(n / o.groups) % per);
}

function buildUsers(o: Options): UserPacket[] {
  const per = o.users / o.groups;
  const out: UserPacket[] = [];
  for (let i = 0; i < o.users; i++) out.push(userPacket(i, o.realms ? `${username(i)}@${realm(Math.floor(i / per))}` : username(i)));
  return out;
}

/** RFC 2865 §5.2 for a password of one block: c1 = p1 xor MD5(S + RA). */
class PasswordHider {
  private readonly scratch: Buffer;

  constructor(private readonly secret: Buffer) {
    this.scratch = Buffer.alloc(secret.length + 16);
    secret.copy(this.scratch);
  }

  /** Writes the hidden password of `user` into `packet` (whose Request Authenticator is at `at + 4`). */
  hide(packet: Buffer, at: number, user: UserPacket): void {
    packet.copy(this.scratch, this.secret.length, at + 4, at + 20);
    const b = hash('md5', this.scratch, 'buffer');
    const out = at + user.passwordAt;
    for (let k = 0; k < 16; k++) packet[out + k] = user.padded[k]! ^ b[k]!;
  }
}

interface Slot {
  busy: boolean;
  sentAt: number;
  /** Inner HMAC key, then the packet (SlotSigner's layout); unchanged while busy, so it holds the Request Authenticator. */
  buffer: Buffer;
}

interface Counts {
  sent: number;
  done: number;
  accept: number;
  reject: number;
  badAuth: number;
  unexpected: number;
  timeout: number;
}

class Load {
  private readonly sockets: Socket[] = [];
  private readonly slots: Slot[][] = [];
  private readonly inflight: number[] = [];
  private readonly nextId: number[] = [];
  private readonly perSocket: number;
  private readonly signer: SlotSigner;
  private readonly checker: ResponseChecker;
  private readonly hider: PasswordHider;
  private readonly authenticators = new AuthenticatorPool();
  private readonly latencies: Float64Array;
  private samples = 0;
  readonly counts: Counts = { sent: 0, done: 0, accept: 0, reject: 0, badAuth: 0, unexpected: 0, timeout: 0 };
  private t0 = 0;
  private tLast = 0;
  private finished: (() => void) | null = null;

  constructor(
    private readonly o: Options,
    private readonly users: UserPacket[],
  ) {
    const nsock = Math.ceil(o.window / 256);
    this.perSocket = Math.ceil(o.window / nsock);
    this.signer = new SlotSigner(o.secret);
    this.checker = new ResponseChecker(o.secret);
    this.hider = new PasswordHider(o.secret);
    this.latencies = new Float64Array(o.total);
    for (let s = 0; s < nsock; s++) {
      this.slots.push(Array.from({ length: 256 }, () => ({ busy: false, sentAt: 0, buffer: this.signer.slot() })));
      this.inflight.push(0);
      this.nextId.push(0);
    }
  }

  /**
   * The per-request code on synthetic requests, before the clock starts (so
   * that early latencies are not the JIT's), checked against the project's
   * own hidePassword and against a signed Accept and a tampered one. null
   * when all holds, else what went wrong.
   */
  warmUp(rounds: number): string | null {
    const slot = this.slots[0]![0]!;
    const at = this.signer.packetOffset;
    for (let i = 0; i < rounds; i++) {
      const user = this.users[userOf(i, this.o)]!;
      this.frame(slot.buffer, user, 0);
      const ra = slot.buffer.subarray(at + 4, at + 20);
      if (i < 16) {
        const hidden = slot.buffer.subarray(at + user.passwordAt, at + user.passwordAt + 16);
        if (!hidden.equals(hidePassword(user.padded.subarray(0, user.padded.indexOf(0)), this.o.secret, ra))) return 'the hidden User-Password differs from RFC 2865 §5.2';
      }
      const accept = signedAccept(slot.buffer.subarray(at, at + user.request.length), Buffer.alloc(0), this.o.secret);
      if (!this.checker.valid(accept, accept.length, ra)) return 'a right Response Authenticator was refused';
      accept[accept.length - 1]! ^= 1;
      if (this.checker.valid(accept, accept.length, ra)) return 'a tampered Accept passed the Response Authenticator check';
    }
    return null;
  }

  async run(): Promise<void> {
    for (let s = 0; s < this.slots.length; s++) this.sockets.push(await this.connect(s));
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    const timer = setInterval(() => this.expire(), 10);
    this.t0 = performance.now();
    this.tLast = this.t0;
    this.fill();
    await done;
    clearInterval(timer);
    for (const sock of this.sockets) sock.close();
  }

  private connect(s: number): Promise<Socket> {
    const sock = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    sock.on('message', (msg) => this.answer(s, msg));
    sock.on('error', (e) => {
      console.error(`pap-load: socket ${s}: ${e.message}`);
      process.exit(2);
    });
    return new Promise((resolve) => sock.connect(this.o.port, this.o.host, () => resolve(sock)));
  }

  private fill(): void {
    for (let s = 0; s < this.sockets.length; s++) {
      while (this.inflight[s]! < this.perSocket && this.counts.sent < this.o.total) {
        const id = this.freeId(s);
        if (id < 0) break;
        this.send(s, id);
      }
    }
  }

  private freeId(s: number): number {
    const slots = this.slots[s]!;
    for (let k = 0; k < 256; k++) {
      const id = (this.nextId[s]! + k) & 0xff;
      if (!slots[id]!.busy) {
        this.nextId[s] = (id + 1) & 0xff;
        return id;
      }
    }
    return -1;
  }

  /** The user's template, Identifier, fresh Request Authenticator, hidden password, then Message-Authenticator over it all. */
  private frame(buffer: Buffer, user: UserPacket, id: number): void {
    const at = this.signer.packetOffset;
    user.request.copy(buffer, at);
    buffer[at + 1] = id;
    this.authenticators.fill(buffer, at + 4);
    this.hider.hide(buffer, at, user);
    this.signer.sign(buffer, user.request.length);
  }

  private send(s: number, id: number): void {
    const slot = this.slots[s]![id]!;
    const user = this.users[userOf(this.counts.sent, this.o)]!;
    this.frame(slot.buffer, user, id);
    slot.busy = true;
    slot.sentAt = performance.now();
    this.inflight[s]!++;
    this.counts.sent++;
    this.sockets[s]!.send(slot.buffer, this.signer.packetOffset, user.request.length);
  }

  private answer(s: number, msg: Buffer): void {
    const c = this.counts;
    if (msg.length < 20) {
      c.badAuth++;
      return;
    }
    const slot = this.slots[s]![msg[1]!]!;
    if (!slot.busy) return; // a late answer after a timeout, as radload
    const t = performance.now();
    this.tLast = t;
    this.latencies[this.samples++] = t - slot.sentAt;
    slot.busy = false;
    this.inflight[s]!--;
    c.done++;
    this.judge(msg, slot);
    if (c.done === this.o.total) this.finished?.();
    else this.fill();
  }

  /** RFC 2865 §3 Response Authenticator; then Accept, or Reject (every password is right: unexpected). */
  private judge(msg: Buffer, slot: Slot): void {
    const c = this.counts;
    const length = msg.readUInt16BE(2);
    const at = this.signer.packetOffset;
    if (length < 20 || length > msg.length || !this.checker.valid(msg, length, slot.buffer.subarray(at + 4, at + 20))) {
      c.badAuth++;
      return;
    }
    if (msg[0] === PacketCode.AccessAccept) c.accept++;
    else if (msg[0] === PacketCode.AccessReject) {
      c.reject++;
      c.unexpected++;
    } else c.badAuth++;
  }

  private expire(): void {
    const t = performance.now();
    for (let s = 0; s < this.slots.length; s++) {
      for (const slot of this.slots[s]!) {
        if (slot.busy && t - slot.sentAt > this.o.timeoutMs) {
          slot.busy = false;
          this.inflight[s]!--;
          this.counts.done++;
          this.counts.timeout++;
        }
      }
    }
    if (this.counts.done === this.o.total) this.finished?.();
    else this.fill();
  }

  /** radload's last line: the rate counts answers up to the last one, not the wait for timeouts. */
  resultLine(): string {
    const c = this.counts;
    const n = this.samples;
    const secs = (this.tLast > this.t0 ? this.tLast - this.t0 : performance.now() - this.t0) / 1000;
    const lat = this.latencies.subarray(0, n).sort();
    const q = (p: number): number => (n ? lat[Math.min(n - 1, Math.floor(n * p))]! : 0);
    return (
      `mode=auth sent=${c.sent} accept=${c.accept} reject=${c.reject} acct=0 status=0 bad_auth=${c.badAuth} ` +
      `unexpected=${c.unexpected} timeout=${c.timeout} secs=${secs.toFixed(2)} rate=${(n / secs).toFixed(0)}/s ` +
      `p50=${q(0.5).toFixed(2)}ms p99=${q(0.99).toFixed(2)}ms max=${(n ? lat[n - 1]! : 0).toFixed(2)}ms`
    );
  }
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const load = new Load(o, buildUsers(o));
  const broken = load.warmUp(5000);
  if (broken) throw new Error(`warm-up: ${broken}`);
  await load.run();
  console.log(load.resultLine());
  const c = load.counts;
  process.exitCode = c.timeout || c.badAuth ? 1 : 0; // radload's exit code
}

try {
  await main();
} catch (e) {
  console.error(`pap-load: ${(e as Error).message}`);
  process.exit(2);
}
