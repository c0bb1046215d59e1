/**
 * The Dynamic Authorization client (RFC 5176) against a simulated NAS on
 * loopback: signing, matching answers, retransmission and give-up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoaClient } from '../../src/coa/client.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { RawAttribute } from '../../src/protocol/packet.js';
import { SimulatedDas } from './simulated-das.js';

const SECRET = 'coa-secret-of-32-octets-for-test';
const FAST = [40, 80, 160];
const identity: RawAttribute[] = [
  { type: Attr.UserName, value: Buffer.from('alice') },
  { type: Attr.AcctSessionId, value: Buffer.from('81000001') },
];

let das: SimulatedDas;
let client: CoaClient;

beforeAll(async () => {
  das = await SimulatedDas.open(SECRET);
});
afterAll(() => das.close());
afterEach(async () => {
  await client?.close();
  das.reset();
});

const send = (kind: 'disconnect' | 'coa' = 'disconnect', secret = SECRET) =>
  client.send({ kind, host: '127.0.0.1', port: das.port, secret, attributes: identity });

describe('CoaClient', () => {
  it('sends a Disconnect-Request with a computed Request Authenticator and a Message-Authenticator, and reports the ACK', async () => {
    client = new CoaClient({ timeoutsMs: FAST });
    const r = await send();
    expect(r).toMatchObject({ outcome: 'ack', attempts: 1 });
    expect(r.errorCause).toBeUndefined();
    const [req] = das.requests();
    expect(req!.packet.code).toBe(PacketCode.DisconnectRequest);
    expect(req!.authenticatorValid).toBe(true);
    expect(req!.messageAuthenticator).toBe('valid');
    expect([req!.userName, req!.acctSessionId]).toEqual(['alice', '81000001']);
  });

  it('sends a CoA-Request and reports CoA-ACK', async () => {
    client = new CoaClient({ timeoutsMs: FAST });
    expect((await send('coa')).outcome).toBe('ack');
    expect(das.requests()[0]!.packet.code).toBe(PacketCode.CoaRequest);
  });

  it('reports a NAK with its Error-Cause', async () => {
    das.reset({ answer: 'nak', errorCause: 503 });
    client = new CoaClient({ timeoutsMs: FAST });
    expect(await send()).toMatchObject({ outcome: 'nak', errorCause: 503, attempts: 1 });
  });

  it('retransmits the identical datagram with backoff, then gives up', async () => {
    das.reset({ answer: 'silent' });
    client = new CoaClient({ timeoutsMs: FAST });
    const r = await send();
    expect(r).toMatchObject({ outcome: 'timeout', attempts: 3 });
    expect(r.ms).toBeGreaterThanOrEqual(FAST.reduce((a, b) => a + b) - 10);
    const copies = das.requests();
    expect(copies).toHaveLength(3);
    // RFC 5080 §2.2.1: same Identifier, same bytes, same source port, so the NAS can spot duplicates.
    expect(new Set(copies.map((c) => c.raw.toString('hex'))).size).toBe(1);
    expect(new Set(copies.map((c) => c.from.port)).size).toBe(1);
  });

  it('succeeds on a retransmission when the first copies are lost', async () => {
    das.reset({ answer: 'ack-after', drop: 2 });
    client = new CoaClient({ timeoutsMs: FAST });
    expect(await send()).toMatchObject({ outcome: 'ack', attempts: 3 });
  });

  it('discards an answer whose Response Authenticator does not verify (RFC 5176 §3.5)', async () => {
    das.reset({ answer: 'bad-signature' });
    client = new CoaClient({ timeoutsMs: FAST });
    expect(await send()).toMatchObject({ outcome: 'timeout', attempts: 3 });
    expect(client.discarded).toBe(3);
  });

  it('gives each concurrent request its own Identifier', async () => {
    client = new CoaClient({ timeoutsMs: FAST });
    const results = await Promise.all(Array.from({ length: 20 }, () => send()));
    expect(results.every((r) => r.outcome === 'ack')).toBe(true);
    expect(new Set(das.requests().map((r) => r.packet.identifier)).size).toBe(20);
  });

  it('reports an error, without sending, for an address that is not an IP', async () => {
    client = new CoaClient({ timeoutsMs: FAST });
    const r = await client.send({ kind: 'disconnect', host: 'nas.example', port: das.port, secret: SECRET, attributes: identity });
    expect(r).toMatchObject({ outcome: 'error', attempts: 0 });
    expect(r.error).toMatch(/not an IP address/);
  });
});
