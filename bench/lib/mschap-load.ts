/**
 * mschap-load: MS-CHAPv2 load over UDP, the method radload (radload.c) does
 * not send. Same contract as radload as far as the bench uses it: W requests
 * in flight over ceil(W/256) connected sockets (256 Identifiers each, RFC 2865
 * §3), users "user%06d" / "pass%06d" for an index in [0, USERS), a
 * Message-Authenticator in every Access-Request (RFC 3579 §3.2), every
 * Response Authenticator checked, and radload's last line, which
 * bench/lib/radload.ts parses, followed by fields of its own.
 *
 * Usage: node bench/out/bench/lib/mschap-load.js -s 127.0.0.1:1812 -S secret
 *          [-n N] [-w WINDOW] [-U USERS] [-T TIMEOUT_MS] [-A]
 * An Access-Accept counts as right only with the MS-CHAP2-Success the user's
 * NT-Response calls for (RFC 2759 §8.7, RFC 2548 §2.3.3); -A accepts a bare
 * Accept, for the bench's reference server, which does not parse requests.
 * Extra fields on the last line: no_success (Accepts without the right
 * MS-CHAP2-Success) and precompute_ms.
 *
 * Runs as its own process, so that the bench driver's event loop does not
 * disturb the timing, and it gets a core to itself as radload does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { PacketCode } from '../../src/protocol/codes.js';
import {
  AuthenticatorPool,
  buildUsers,
  findMsChap2Success,
  ResponseChecker,
  SlotSigner,
  selfCheck,
  signedAccept,
  type UserPackets,
} from './mschap-packets.js';

interface Options {
  host: string;
  port: number;
  secret: Buffer;
  total: number;
  window: number;
  users: number;
  timeoutMs: number;
  acceptWithoutSuccess: boolean;
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
      timeout: { type: 'string', short: 'T', default: '2000' }, // radload's -T default
      'accept-without-success': { type: 'boolean', short: 'A', default: false },
    },
  });
  const m = /^([\d.]+):(\d+)$/.exec(v.server);
  if (!m) throw new Error(`-s wants host:port, got ${v.server}`);
  return {
    host: m[1]!,
    port: wholeNumber('port', m[2]!, 1),
    secret: Buffer.from(v.secret, 'utf8'),
    total: wholeNumber('-n', v.requests, 1),
    window: Math.min(wholeNumber('-w', v.window, 1), MAX_SOCKETS * 256),
    users: wholeNumber('-U', v.users, 1),
    timeoutMs: wholeNumber('-T', v.timeout, 1),
    acceptWithoutSuccess: v['accept-without-success'],
  };
}

/** One in-flight request: a socket's Identifier. */
interface Slot {
  busy: boolean;
  sentAt: number;
  user: number;
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
  noSuccess: number;
}

class Load {
  private readonly sockets: Socket[] = [];
  private readonly slots: Slot[][] = [];
  private readonly inflight: number[] = [];
  private readonly nextId: number[] = [];
  private readonly perSocket: number;
  private readonly signer: SlotSigner;
  private readonly checker: ResponseChecker;
  private readonly authenticators = new AuthenticatorPool();
  private readonly latencies: Float64Array;
  private samples = 0;
  readonly counts: Counts = { sent: 0, done: 0, accept: 0, reject: 0, badAuth: 0, unexpected: 0, timeout: 0, noSuccess: 0 };
  private t0 = 0;
  private tLast = 0;
  private finished: (() => void) | null = null;

  constructor(
    private readonly o: Options,
    private readonly users: UserPackets[],
  ) {
    const nsock = Math.ceil(o.window / 256);
    this.perSocket = Math.ceil(o.window / nsock);
    this.signer = new SlotSigner(o.secret);
    this.checker = new ResponseChecker(o.secret);
    this.latencies = new Float64Array(o.total);
    for (let s = 0; s < nsock; s++) {
      this.slots.push(Array.from({ length: 256 }, () => ({ busy: false, sentAt: 0, user: 0, buffer: this.signer.slot() })));
      this.inflight.push(0);
      this.nextId.push(0);
    }
  }

  /**
   * The per-request code on synthetic exchanges, before the clock starts: V8
   * has compiled it by the first real request, so early latencies are not
   * the JIT's, and the checks are seen to take a right Accept and refuse a
   * tampered one. null when they do, else what went wrong.
   */
  warmUp(rounds: number): string | null {
    const slot = this.slots[0]![0]!;
    const at = this.signer.packetOffset;
    for (let i = 0; i < rounds; i++) {
      const user = this.users[i % this.users.length]!;
      user.request.copy(slot.buffer, at);
      this.authenticators.fill(slot.buffer, at + 4);
      this.signer.sign(slot.buffer, user.request.length);
      const requestAuthenticator = slot.buffer.subarray(at + 4, at + 20);
      const accept = signedAccept(slot.buffer.subarray(at, at + user.request.length), user.success, this.o.secret);
      if (!this.checker.valid(accept, accept.length, requestAuthenticator)) return 'a right Response Authenticator was refused';
      if (!findMsChap2Success(accept, accept.length)?.equals(user.success)) return 'a right MS-CHAP2-Success was not found';
      accept[accept.length - 1]! ^= 1;
      if (this.checker.valid(accept, accept.length, requestAuthenticator)) return 'a tampered Accept passed the Response Authenticator check';
      if (findMsChap2Success(accept, accept.length)?.equals(user.success)) return 'a tampered MS-CHAP2-Success passed';
    }
    return null;
  }

  /** Connects every socket, then runs until every request is answered or timed out. */
  async run(): Promise<void> {
    for (let s = 0; s < this.slots.length; s++) this.sockets.push(await this.connect(s));
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    // radload looks for timeouts after every poll (1 ms); 10 ms is fine against timeouts of seconds.
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
      console.error(`mschap-load: socket ${s}: ${e.message}`);
      process.exit(2);
    });
    return new Promise((resolve) => sock.connect(this.o.port, this.o.host, () => resolve(sock)));
  }

  /** Keeps the window full, as radload does after each poll. */
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

  /** Per request: copy the user's template, Identifier, fresh Request Authenticator, Message-Authenticator. */
  private send(s: number, id: number): void {
    const slot = this.slots[s]![id]!;
    const user = this.counts.sent % this.o.users;
    const request = this.users[user]!.request;
    const at = this.signer.packetOffset;
    request.copy(slot.buffer, at);
    slot.buffer[at + 1] = id;
    this.authenticators.fill(slot.buffer, at + 4);
    this.signer.sign(slot.buffer, request.length);
    slot.busy = true;
    slot.user = user;
    slot.sentAt = performance.now();
    this.inflight[s]!++;
    this.counts.sent++;
    this.sockets[s]!.send(slot.buffer, at, request.length);
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
    this.release(s, slot);
    this.judge(msg, slot);
    if (c.done === this.o.total) this.finished?.();
    else this.fill();
  }

  /** RFC 2865 §3 Response Authenticator; then Accept (with RFC 2548 §2.3.3 MS-CHAP2-Success) or Reject. */
  private judge(msg: Buffer, slot: Slot): void {
    const c = this.counts;
    const length = msg.readUInt16BE(2);
    const at = this.signer.packetOffset;
    if (length < 20 || length > msg.length || !this.checker.valid(msg, length, slot.buffer.subarray(at + 4, at + 20))) {
      c.badAuth++;
      return;
    }
    if (msg[0] === PacketCode.AccessAccept) {
      c.accept++;
      const success = findMsChap2Success(msg, length);
      if (success === null || !success.equals(this.users[slot.user]!.success)) {
        c.noSuccess++;
        if (!this.o.acceptWithoutSuccess) c.unexpected++;
      }
    } else if (msg[0] === PacketCode.AccessReject) {
      c.reject++;
      c.unexpected++; // every password is right
    } else {
      c.badAuth++;
    }
  }

  private release(s: number, slot: Slot): void {
    slot.busy = false;
    this.inflight[s]!--;
    this.counts.done++;
  }

  /** A request unanswered after -T ms counts as a timeout and frees its slot. */
  private expire(): void {
    const t = performance.now();
    for (let s = 0; s < this.slots.length; s++) {
      for (const slot of this.slots[s]!) {
        if (slot.busy && t - slot.sentAt > this.o.timeoutMs) {
          this.release(s, slot);
          this.counts.timeout++;
        }
      }
    }
    if (this.counts.done === this.o.total) this.finished?.();
    else this.fill();
  }

  /** radload's last line: the rate counts answers up to the last one, not the wait for timeouts. */
  resultLine(precomputeMs: number): string {
    const c = this.counts;
    const n = this.samples;
    const secs = (this.tLast > this.t0 ? this.tLast - this.t0 : performance.now() - this.t0) / 1000;
    const lat = this.latencies.subarray(0, n).sort();
    const at = (q: number): number => (n ? lat[Math.min(n - 1, Math.floor(n * q))]! : 0);
    return (
      `mode=auth sent=${c.sent} accept=${c.accept} reject=${c.reject} acct=0 status=0 bad_auth=${c.badAuth} ` +
      `unexpected=${c.unexpected} timeout=${c.timeout} secs=${secs.toFixed(2)} rate=${(n / secs).toFixed(0)}/s ` +
      `p50=${at(0.5).toFixed(2)}ms p99=${at(0.99).toFixed(2)}ms max=${(n ? lat[n - 1]! : 0).toFixed(2)}ms ` +
      `no_success=${c.noSuccess} precompute_ms=${precomputeMs.toFixed(0)}`
    );
  }
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const wrong = selfCheck();
  if (wrong) throw new Error(`self-check failed: ${wrong}`);
  const t = performance.now();
  const users = buildUsers(o.users);
  const precomputeMs = performance.now() - t;
  const load = new Load(o, users);
  const broken = load.warmUp(5000);
  if (broken) throw new Error(`warm-up: ${broken}`);
  await load.run();
  console.log(load.resultLine(precomputeMs));
  const c = load.counts;
  process.exitCode = c.timeout || c.badAuth ? 1 : 0; // radload's exit code
}

try {
  await main();
} catch (e) {
  console.error(`mschap-load: ${(e as Error).message}`);
  process.exit(2);
}
