/**
 * What each drop reason (protocol/drop-reasons.ts) most likely means, in the
 * words an operator reads: the daemon's log line, `nas diagnose` and
 * `diagnose` all say it the same way. Nothing here may quote a secret or a
 * password: the words are built from the reason, the request's kind and the
 * source address only.
 */
import { type DropReason, PacketCode } from '../protocol/index.js';

/** What the server knew about the dropped datagram; every field optional. */
export interface DropContext {
  /** Source address, for the `nas add` hint. */
  address?: string;
  /** Which port received it. */
  port?: 'auth' | 'acct';
  /** The RADIUS code, when the header could be read. */
  code?: number;
  /** The request carried EAP-Message. */
  eap?: boolean;
}

/** The likely cause in a few words: "shared secret probably wrong". */
export function dropSummary(reason: DropReason | string): string {
  switch (reason) {
    case 'unknown-nas':
      return 'no NAS is configured for this address';
    case 'bad-message-authenticator':
    case 'bad-authenticator':
      return 'shared secret probably wrong';
    case 'missing-message-authenticator':
      return 'no Message-Authenticator although one is required';
    case 'proxy-state-without-message-authenticator':
      return 'Proxy-State without Message-Authenticator (BlastRADIUS rule)';
    case 'malformed-message-authenticator':
    case 'duplicate-message-authenticator':
      return 'broken Message-Authenticator';
    case 'unexpected-code':
      return 'requests sent to the wrong port';
    case 'unknown-code':
      return 'packets that are not RADIUS requests';
    case 'overload':
      return 'more requests than its share of the server';
    default:
      return 'malformed packets';
  }
}

const FRAMING: Partial<Record<DropReason, string>> = {
  'datagram-too-short': 'shorter than a RADIUS header',
  'length-too-small': 'Length field below 20',
  'length-too-large': 'Length field above 4096',
  'length-exceeds-datagram': 'shorter than its Length field says, truncated on the way',
  'bad-attribute-length': 'an attribute length runs past the packet',
};

/** The full cause for the daemon's log line, worded for what was dropped. */
export function dropCause(reason: DropReason, ctx: DropContext = {}): string {
  switch (reason) {
    case 'unknown-nas':
      return `no NAS is configured for this address: add it with \`radassoc nas add NAME --ip ${ctx.address ?? 'ADDR'} --secret ...\``;
    case 'bad-message-authenticator':
      return 'Message-Authenticator does not verify: shared secret probably wrong';
    case 'bad-authenticator':
      // RFC 2866 §3: the accounting Request Authenticator is an MD5 over the shared secret.
      return ctx.code === PacketCode.AccountingRequest
        ? 'accounting Request Authenticator does not verify: shared secret probably wrong'
        : 'Request Authenticator does not verify: shared secret probably wrong';
    case 'missing-message-authenticator':
      if (ctx.code === PacketCode.StatusServer) return 'Status-Server without Message-Authenticator (RFC 5997 §3 requires one): enable it in the monitoring tool';
      if (ctx.eap) return 'EAP-Message without Message-Authenticator (RFC 3579 §3.2 requires one): the NAS sends broken EAP requests';
      return 'NAS sent no Message-Authenticator but it is required: enable it on the NAS, or add the NAS with `--require-message-authenticator false`';
    case 'proxy-state-without-message-authenticator':
      return 'Proxy-State without Message-Authenticator dropped (BlastRADIUS rule): enable Message-Authenticator on the NAS or the proxy in front of it';
    case 'malformed-message-authenticator':
      return 'Message-Authenticator is not 16 octets: the NAS sends broken packets';
    case 'duplicate-message-authenticator':
      return 'more than one Message-Authenticator: the NAS sends broken packets';
    case 'unexpected-code':
      if (ctx.port === 'auth' && ctx.code === PacketCode.AccountingRequest) return 'Accounting-Request on the authentication port: point the NAS accounting at port 1813 (or --acct-port)';
      if (ctx.port === 'acct' && (ctx.code === PacketCode.AccessRequest || ctx.code === PacketCode.StatusServer)) {
        return 'authentication request on the accounting port: point the NAS authentication at port 1812 (or --auth-port)';
      }
      return 'a packet code this port does not answer (a reply sent to the server?): check the server ports set on the NAS';
    case 'unknown-code':
      return 'unknown packet code: something other than a RADIUS client is sending to this port';
    case 'overload':
      return 'the NAS sends more than its share of the server: excess requests dropped so that it fails over';
    default:
      return `malformed packet (${FRAMING[reason] ?? reason}): the sender is not a RADIUS client or sends broken packets`;
  }
}
