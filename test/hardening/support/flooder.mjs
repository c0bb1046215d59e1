// A misbehaving NAS, in its own process so that it gets its own core: sends
// signed PAP Access-Requests (RFC 2865 §5.2 hiding, RFC 3579 Message-
// Authenticator) as fast as it can for a while, each one new (fresh Request
// Authenticator), and prints what it sent and what came back as one JSON line.
//
// node flooder.mjs <host> <port> <secret> <seconds> <username> <password>
import { createSocket } from 'node:dgram';
import { createHash, createHmac, randomFillSync } from 'node:crypto';

const [host, port, secret, seconds, username, password] = process.argv.slice(2);
const key = Buffer.from(secret);
const name = Buffer.from(username);
const pw = Buffer.alloc(16);
Buffer.from(password).copy(pw);
const length = 20 + 18 + 2 + name.length + 2 + 16;

function build(id) {
  const b = Buffer.alloc(length);
  b[0] = 1;
  b[1] = id;
  b.writeUInt16BE(length, 2);
  randomFillSync(b, 4, 16);
  b[20] = 80; // Message-Authenticator, first
  b[21] = 18;
  let off = 38;
  b[off] = 1;
  b[off + 1] = 2 + name.length;
  name.copy(b, off + 2);
  off += 2 + name.length;
  b[off] = 2;
  b[off + 1] = 18;
  const mask = createHash('md5').update(key).update(b.subarray(4, 20)).digest();
  for (let i = 0; i < 16; i++) b[off + 2 + i] = pw[i] ^ mask[i];
  createHmac('md5', key).update(b).digest().copy(b, 22);
  return b;
}

const socket = createSocket('udp4');
let sent = 0;
let answered = 0;
socket.on('message', () => answered++);
socket.bind(0, host, () => {
  const end = Date.now() + Number(seconds) * 1000;
  const burst = () => {
    if (Date.now() >= end) {
      // Late answers still count for a moment, then report.
      setTimeout(() => {
        process.stdout.write(`${JSON.stringify({ sent, answered })}\n`);
        socket.close();
      }, 300);
      return;
    }
    for (let i = 0; i < 32; i++) socket.send(build(sent++ & 0xff), Number(port), '127.0.0.1');
    setImmediate(burst);
  };
  burst();
});
