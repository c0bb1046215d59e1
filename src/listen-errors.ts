/**
 * A socket that cannot listen, told the way an operator can act on: which
 * port and what it is for, who probably holds it, and the flag or config key
 * that moves it. Node's own text ("bind EADDRINUSE 0.0.0.0:1812") says none
 * of that.
 */
import { RadassocError } from './errors.js';

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

const where = (t: ListenTarget): string => `${t.protocol} port ${t.port} on ${t.host.includes(':') ? `[${t.host}]` : t.host} (${t.purpose})`;

/** A RadassocError for the usual listen failures; anything else is returned as it came. */
export function listenError(e: unknown, t: ListenTarget): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const details = { protocol: t.protocol, host: t.host, port: t.port };
  switch (code) {
    case 'EADDRINUSE':
      return new RadassocError('PORT_IN_USE', `${where(t)} is already in use: ${t.culprit}; stop it, or choose another port with ${t.move}`, details, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new RadassocError(
        'PORT_IN_USE',
        `${where(t)} may not be opened by this user: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose another port with ${t.move}`,
        details,
        { cause: e },
      );
    case 'EADDRNOTAVAIL':
      return new RadassocError('CONFIG_INVALID', `cannot listen on ${t.host} for ${t.purpose}: it is not an address of this machine${t.hostSetting ? `; check ${t.hostSetting}` : ''}`, details, { cause: e });
    default:
      return e;
  }
}
