/**
 * The register's identity sealing (AES-256-GCM, node:crypto): a fresh nonce
 * per row, bound to its row, opened only by its own key; key files read
 * with errors that name the file and never hold the key.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityKeyOf, openIdentity, readIdentityKey, sealIdentity } from '../../src/privacy/identity-key.js';
import { tempDir } from '../support/temp.js';

const key = identityKeyOf(randomBytes(32));
const alice = { username: 'alice', memberId: 42 };

describe('sealed identities', () => {
  it('open with their key and row, with a fresh nonce each time', () => {
    const a = sealIdentity(key, 'row-1', alice);
    const b = sealIdentity(key, 'row-1', alice);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect(a.toString('latin1')).not.toContain('alice');
    expect(openIdentity(key, 'row-1', a)).toEqual(alice);
  });

  it('refuse another key, another row, or a changed byte', () => {
    const sealed = sealIdentity(key, 'row-1', alice);
    const other = identityKeyOf(randomBytes(32));
    expect(() => openIdentity(other, 'row-1', sealed)).toThrow(expect.objectContaining({ code: 'REGISTER_KEY', details: { problem: 'wrong-key', keyId: other.id } }));
    expect(() => openIdentity(key, 'row-2', sealed)).toThrow(expect.objectContaining({ code: 'REGISTER_KEY' }));
    const flipped = Buffer.from(sealed);
    flipped[20] = flipped[20]! ^ 1;
    expect(() => openIdentity(key, 'row-1', flipped)).toThrow(expect.objectContaining({ code: 'REGISTER_KEY' }));
  });
});

describe('key files', () => {
  const dir = tempDir('radassoc-key-');

  it('hold 64 hex digits (openssl rand -hex 32), the id being sha256 of the key, first 8 hex digits', () => {
    const raw = Buffer.from('00'.repeat(32), 'hex');
    const file = join(dir, 'zero');
    writeFileSync(file, `${raw.toString('hex')}\n`);
    expect(readIdentityKey(file).id).toBe('66687aad');
  });

  it('refuse a missing or malformed file without quoting it', () => {
    expect(() => readIdentityKey(join(dir, 'none'))).toThrow(/cannot be read \(ENOENT\)/);
    const short = join(dir, 'short');
    writeFileSync(short, 'deadbeef-secret-words');
    expect(() => readIdentityKey(short)).toThrow(expect.objectContaining({ code: 'REGISTER_KEY', message: expect.not.stringContaining('secret-words') }));
  });
});
