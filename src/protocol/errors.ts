/**
 * The two error kinds this layer throws, each with a stable code. Decoding
 * never throws (wire input is untrusted and answered with a DropReason);
 * these are for our own input: packets we build and plan attributes an admin
 * typed.
 */

export type EncodeErrorCode =
  | 'empty-secret' // a shared secret must be at least one octet (RFC 2865 §3)
  | 'bad-identifier' // not an integer 0..255
  | 'bad-authenticator' // not 16 octets
  | 'bad-code' // code not valid for this encoder (request vs response)
  | 'bad-attribute-type' // not an integer 1..255
  | 'attribute-too-long' // value over 253 octets (RFC 2865 §5: Length is one octet)
  | 'vendor-value-too-long' // VSA sub-attribute value over 247 octets (RFC 2865 §5.26)
  | 'packet-too-long' // more than 4096 octets (RFC 2865 §3)
  | 'password-too-long' // User-Password over 128 octets (RFC 2865 §5.2)
  | 'salt-plaintext-too-long' // salt-encrypted value over 239 octets (RFC 2868 §3.5)
  | 'bad-salt' // salt must be 2 octets
  | 'duplicate-message-authenticator' // more than one given (RFC 3579 §3.2)
  | 'bad-message-authenticator'; // a placeholder that is not 16 octets

/** A packet we were asked to build cannot be built; the message says which part is wrong. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    readonly code: EncodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type AttributeValueErrorCode =
  | 'unknown-attribute' // the name is in no dictionary
  | 'invalid-value' // the text does not parse as the attribute's type
  | 'value-too-long' // encoded value would not fit in one attribute
  | 'encrypted-attribute' // hidden per request with the secret; cannot be a fixed value
  | 'bad-tag'; // tag outside 0..31 or given to an untagged attribute (RFC 2868 §3)

/**
 * A textual `Name=Value` (e.g. from `plan add --attr`) is not valid. The
 * message is written for the admin and names the attribute, its type and an
 * example of a valid value.
 */
export class AttributeValueError extends Error {
  override readonly name = 'AttributeValueError';
  constructor(
    readonly code: AttributeValueErrorCode,
    /** The attribute name as the admin wrote it. */
    readonly attribute: string,
    message: string,
  ) {
    super(message);
  }
}
