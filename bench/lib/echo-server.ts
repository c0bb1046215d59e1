/**
 * The reference floor: a Node.js UDP server doing the least a RADIUS server
 * must (answer each request with a signed Access-Accept or
 * Accounting-Response, no parsing, no policy, no storage). What radassoc
 * achieves next to it shows what the runtime and the kernel cost on this
 * machine, apart from our own code. Usage: node echo-server.js PORT PORT SECRET
 */
import { createSocket, type Socket } from 'node:dgram';
import { hash } from 'node:crypto';

const [authPort, acctPort, secretText] = process.argv.slice(2);
const secret = Buffer.from(secretText ?? 'testing123');
const scratch = Buffer.alloc(20 + secret.length);

function listen(port: number): Socket {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 20) return;
    const out = Buffer.allocUnsafe(20);
    out[0] = msg[0] === 4 ? 5 : 2; // Accounting-Response, else Access-Accept
    out[1] = msg[1] ?? 0;
    out.writeUInt16BE(20, 2);
    out.copy(scratch, 0, 0, 4);
    msg.copy(scratch, 4, 4, 20);
    secret.copy(scratch, 20);
    hash('md5', scratch, 'buffer').copy(out, 4);
    sock.send(out, rinfo.port, rinfo.address);
  });
  sock.bind(port, '127.0.0.1', () => process.send?.('listening'));
  return sock;
}

const sockets = [listen(Number(authPort)), listen(Number(acctPort))];
process.on('SIGTERM', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
