/**
 * A socket that cannot listen, told the way an operator can act on: which
 * port and what it is for, who probably holds it, and the flag or config key
 * that moves it. Node's own text ("bind EADDRINUSE 0.0.0.0:1812") says none
 * of that.
 */
import { fail, RadassocError } from './errors.js';

export interface ListenTarget {
  protocol: 'UDP' | 'TCP';
  host: string;
  port: number;
  /** What the port serves, e.g. "RADIUS authentication". */
  purpose: string;
  /** The flag or config key that moves it, e.g. "--auth-port or authPort in the config file". */
  move: string;
  /** Who usually holds this port, e.g. "FreeRADIUS may be running". */
  culprit: string;
  /** The flag or config key that sets the address, e.g. "--bind (bind in the config file)". */
  hostSetting?: string;
}

/** A RadassocError for the usual listen failures; anything else is returned as it came. */
export function listenError(e: unknown, t: ListenTarget): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const details = { protocol: t.protocol, host: t.host, port: t.port };
  switch (code) {
    case 'EADDRINUSE':
    case 'EACCES':
    case 'EPERM': {
      const { protocol, host, port, purpose, move, culprit } = t;
      return fail('PORT_IN_USE', { problem: code === 'EADDRINUSE' ? 'in-use' : 'not-allowed', protocol, host, port, purpose, move, culprit }, { cause: e });
    }
    case 'EADDRNOTAVAIL':
      return new RadassocError('CONFIG_INVALID', `cannot listen on ${t.host} for ${t.purpose}: it is not an address of this machine${t.hostSetting ? `; check ${t.hostSetting}` : ''}`, details, { cause: e });
    default:
      return e;
  }
}
