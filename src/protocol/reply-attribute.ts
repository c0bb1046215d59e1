/**
 * Reply attributes as an admin writes them (`Tunnel-Type:1=L2TP`), for
 * values fixed once at load and for the one kind whose octets change with
 * every reply: Tunnel-Password, encrypted with the shared secret and the
 * Request Authenticator of the request answered (RFC 2868 §3.5).
 */
import { encodeAttributeValue } from './attribute-text.js';
import { Attr } from './codes.js';
import { findAttribute } from './dictionary/index.js';
import { AttributeValueError } from './errors.js';
import type { RawAttribute } from './packet.js';
import { MAX_SALT_PLAINTEXT_LENGTH, saltEncrypt } from './salt-crypt.js';
import type { Secret } from './authenticator.js';

/**
 * One reply attribute, ready for any reply. `key` names the attribute and
 * its tag (vendor, type, tag): two items with one key set the same thing.
 */
export type ReplyAttributeValue =
  | { readonly key: string; readonly attribute: RawAttribute }
  | { readonly key: string; readonly tunnelPassword: { readonly tag: number; readonly plain: Buffer } };

const TAGGED = /^(.+):(\d{1,3})$/;

/** Throws AttributeValueError with words for the admin, as encodeAttributeValue does. */
export function encodeReplyAttribute(name: string, text: string): ReplyAttributeValue {
  const m = TAGGED.exec(name.trim());
  const base = m ? m[1]! : name.trim();
  const tag = m ? Number(m[2]) : 0;
  const def = findAttribute(base);
  if (def?.encrypt === 'tunnel-password') {
    if (tag > 31) throw new AttributeValueError('bad-tag', name, `${def.name}: tag ${tag} is not 0..31`);
    const plain = Buffer.from(text, 'utf8');
    if (plain.length === 0 || plain.length > MAX_SALT_PLAINTEXT_LENGTH) {
      // The value is a password: its length is said, never the value.
      throw new AttributeValueError('value-too-long', name, `${def.name}: a password of 1 to ${MAX_SALT_PLAINTEXT_LENGTH} octets (got ${plain.length})`);
    }
    return { key: `${def.vendorId}:${def.type}:${tag}`, tunnelPassword: { tag, plain } };
  }
  const attribute = encodeAttributeValue(name, text);
  // def is known here: encodeAttributeValue refuses an unknown name.
  return { key: `${def?.vendorId ?? 0}:${def?.type ?? attribute.type}:${tag}`, attribute };
}

/** Tunnel-Password for one reply: Tag | Salt | encrypted length + password (RFC 2868 §3.5). */
export function encodeTunnelPassword(tag: number, plain: Buffer, secret: Secret, requestAuthenticator: Buffer): RawAttribute {
  const sealed = saltEncrypt(plain, secret, requestAuthenticator);
  const value = Buffer.allocUnsafe(1 + sealed.length);
  value[0] = tag;
  sealed.copy(value, 1);
  return { type: Attr.TunnelPassword, value };
}
