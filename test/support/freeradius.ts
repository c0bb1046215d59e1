/**
 * Debian's FreeRADIUS 3.2 (/usr/sbin/freeradius) as the suites' reference
 * server: the packaged configuration copied into a temporary raddb, one
 * virtual server of our own on free loopback ports, rlm_sql on the database
 * a suite names (PostgreSQL or MySQL/MariaDB) with its clients read from the
 * nas table, run in the foreground (-f) so that the suite owns the process.
 *
 * It runs with TZ=UTC, as the suites' mariadbd does: FreeRADIUS reads a
 * written Expiration on its own clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { freePort } from './services.js';
import { tempDir } from './temp.js';

const BINARY = '/usr/sbin/freeradius';
const PACKAGED_RADDB = '/etc/freeradius/3.0';

export interface FreeRadiusSql {
  dialect: 'postgresql' | 'mysql';
  host: string;
  port: number;
  login: string;
  password: string;
  database: string;
}

export interface FreeRadiusServer {
  auth: number;
  acct: number;
  /** Everything FreeRADIUS logged so far (radius.log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A UDP port nothing listens on now (the TCP probe of freePort says nothing about UDP). */
async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const free = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** rlm_sql on the suite's database, with the dialect's packaged queries.conf; no TLS to a loopback server. */
function sqlModule(sql: FreeRadiusSql): string {
  return `sql {
	dialect = "${sql.dialect}"
	driver = "rlm_sql_\${dialect}"
	server = ${quote(sql.host)}
	port = ${sql.port}
	login = ${quote(sql.login)}
	password = ${quote(sql.password)}
	radius_db = ${quote(sql.database)}
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	delete_stale_sessions = yes
	read_clients = yes
	client_table = "nas"
	group_attribute = "SQL-Group"
	pool {
		start = 1
		min = 1
		max = 4
		spare = 1
		uses = 0
		retry_delay = 1
		lifetime = 0
		idle_timeout = 60
	}
	$INCLUDE \${modconfdir}/\${.:name}/main/\${dialect}/queries.conf
}
`;
}

/**
 * The virtual server: what the packaged "default" site does for PAP, CHAP
 * and MS-CHAP with rlm_sql, plus Expiration and Simultaneous-Use, and sql
 * accounting (acct_unique makes Acct-Unique-Session-Id as the default site does).
 */
function site(auth: number, acct: number): string {
  return `server radassoc_reference {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = ${auth}
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = ${acct}
	}
	authorize {
		preprocess
		chap
		mschap
		sql
		expiration
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		Auth-Type MS-CHAP {
			mschap
		}
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		sql
	}
	session {
		sql
	}
	post-auth {
		sql
		Post-Auth-Type REJECT {
			sql
			attr_filter.access_reject
		}
	}
}
`;
}

export async function startFreeRadius(sql: FreeRadiusSql): Promise<FreeRadiusServer> {
  if (!existsSync(BINARY)) throw new Error('freeradius not found: the test command installs it (apt-get install freeradius freeradius-postgresql freeradius-mysql)');
  const root = tempDir('radassoc-freeradius-');
  const raddb = join(root, 'raddb');
  cpSync(PACKAGED_RADDB, raddb, { recursive: true, dereference: false, verbatimSymlinks: true });
  const conf = join(raddb, 'radiusd.conf');
  // The suite's own user runs it: no switch to freerad, which could not read this directory.
  // Rejects at once: the packaged one second of reject_delay would make a suite of refusals crawl.
  writeFileSync(conf, readFileSync(conf, 'utf8')
    .replace(/^(\s*)(user|group) = freerad$/gm, '$1#$2 = freerad')
    .replace(/^(\s*)reject_delay = 1$/m, '$1reject_delay = 0'));
  writeFileSync(join(raddb, 'clients.conf'), '# clients come from the nas table (sql read_clients)\n');
  rmSync(join(raddb, 'sites-enabled'), { recursive: true, force: true });
  mkdirSync(join(raddb, 'sites-enabled'));
  // eap wants certificates made at install time; no suite uses it.
  rmSync(join(raddb, 'mods-enabled', 'eap'), { force: true });
  writeFileSync(join(raddb, 'mods-enabled', 'sql'), sqlModule(sql));
  const [auth, acct] = [await freeUdpPort(), await freeUdpPort()];
  writeFileSync(join(raddb, 'sites-enabled', 'reference'), site(auth, acct));

  const logFile = join(root, 'radius.log');
  let output = '';
  const child: ChildProcess = spawn(BINARY, ['-f', '-l', logFile, '-d', raddb], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TZ: 'UTC' },
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const log = (): string => `${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}${output}`;

  const deadline = Date.now() + 20_000;
  while (!/Ready to process requests/.test(log())) {
    if (child.exitCode !== null) throw new Error(`freeradius exited ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`freeradius not ready within 20 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    auth,
    acct,
    log,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
