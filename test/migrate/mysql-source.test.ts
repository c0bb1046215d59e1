/**
 * The MySQL/MariaDB source against a real mariadbd holding FreeRADIUS 3's
 * standard MySQL schema (test/fixtures/freeradius/mysql-schema.sql): every
 * table read into the row types, radacct in batches, datetimes as instants.
 * mariadbd runs with TZ=UTC (test/support/mariadb.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRadassocError } from '../../src/errors.js';
import { openSource, type FreeRadiusSource } from '../../src/migrate/source.js';
import type { RadAcctRow } from '../../src/migrate/rlm-sql-rows.js';
import { startMariaDb, type MariaDbServer } from '../support/mariadb.js';

const SCHEMA = readFileSync(new URL('../fixtures/freeradius/mysql-schema.sql', import.meta.url), 'utf8');
const PASSWORD = 'radius-db-pass-1';

let server: MariaDbServer;
let url: string;
let source: FreeRadiusSource;

/** What FreeRADIUS's Start/Stop queries write: FROM_UNIXTIME of the event's epoch seconds. */
const START = Date.UTC(2026, 10, 3, 21, 15, 0) / 1000;
const STOP = START + 3600;
/** 5 Gigawords and a bit: past 2^32, as the stop query folds them in. */
const BIG_INPUT = 5n * 2n ** 32n + 12345n;
/** Past 2^53: a JavaScript number would round it. */
const HUGE_OUTPUT = 2n ** 53n + 1n;

async function fill(db: string): Promise<void> {
  await server.admin(`USE \`${db}\`; ${SCHEMA}`);
  await server.admin(`USE \`${db}\`;
    INSERT INTO nas (nasname, shortname, type, ports, secret, server, community, description) VALUES
      ('192.0.2.1', 'bras1', 'cisco', 1024, 'bras-secret', NULL, NULL, 'the BRAS'),
      ('198.51.100.0/28', 'modems', 'other', NULL, 'modem-secret', NULL, NULL, 'RADIUS Client');
    INSERT INTO radcheck (username, attribute, op, value) VALUES
      ('alice', 'Cleartext-Password', ':=', 'alice-pass'),
      ('alice', 'Simultaneous-Use', ':=', '1'),
      ('bob', 'NT-Password', ':=', 'FC156AF7EDCD6C0EDDE3337D427F4EAC');
    INSERT INTO radreply (username, attribute, op, value) VALUES
      ('alice', 'Framed-IP-Address', '=', '192.0.2.10'),
      ('alice', 'Framed-Route', '+=', '198.51.100.0/24');
    INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('suspended', 'Auth-Type', ':=', 'Reject');
    INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
      ('fibre', 'Session-Timeout', ':=', '86400'),
      ('fibre', 'Mikrotik-Rate-Limit', '=', '100M/100M');
    INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fibre', 2), ('bob', 'suspended', 1);
    INSERT INTO radpostauth (username, pass, reply) VALUES ('alice', 'alice-pass', 'Access-Accept');
  `);
  // A finished session, an open one (FreeRADIUS leaves '' where nothing was sent), one from an old schema's zero date.
  await server.admin(`USE \`${db}\`;
    INSERT INTO radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
        acctstarttime, acctupdatetime, acctstoptime, acctinterval, acctsessiontime, acctauthentic,
        connectinfo_start, connectinfo_stop, acctinputoctets, acctoutputoctets, calledstationid, callingstationid,
        acctterminatecause, servicetype, framedprotocol, framedipaddress, framedipv6prefix, delegatedipv6prefix)
      VALUES
      ('s-1', 'u0000000000000000000000000000001', 'alice', '', '192.0.2.1', 'eth0.100', 'Ethernet',
        FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), 300, 3600, 'RADIUS',
        '', '', ?, ?, 'bras1', '02:00:00:00:00:01', 'User-Request', 'Framed-User', 'PPP', '192.0.2.10', '', '2001:db8:1200::/56'),
      ('s-2', 'u0000000000000000000000000000002', 'bob', '', '192.0.2.1', NULL, NULL,
        FROM_UNIXTIME(?), FROM_UNIXTIME(?), NULL, NULL, 0, NULL,
        NULL, NULL, 0, 0, '', '', '', NULL, NULL, '', '', ''),
      ('s-3', 'u0000000000000000000000000000003', 'carol', NULL, '192.0.2.1', NULL, NULL,
        FROM_UNIXTIME(?), NULL, '0000-00-00 00:00:00', NULL, 60, NULL,
        NULL, NULL, 1, 2, '', '', 'Lost-Carrier', NULL, NULL, '', '', '');`,
  [START, STOP, STOP, BIG_INPUT.toString(), HUGE_OUTPUT.toString(), STOP, STOP, START]);
}

async function allRadacct(s: FreeRadiusSource, options?: Parameters<FreeRadiusSource['radacct']>[0]): Promise<RadAcctRow[][]> {
  const batches: RadAcctRow[][] = [];
  for await (const batch of s.radacct(options)) batches.push(batch);
  return batches;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isRadassocError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  server = await startMariaDb();
  ({ url } = await server.createDatabase('radius', 'radius', PASSWORD));
  await fill('radius');
  source = await openSource(url);
});

afterAll(async () => {
  await source?.close();
  await server?.destroy();
});

describe('the MySQL source over a FreeRADIUS 3 database', () => {
  it('is picked by openSource for mysql:// and mariadb:// and names where it reads without the password', async () => {
    expect(source.where).toBe(`mysql://127.0.0.1:${server.port}/radius`);
    const other = await openSource(url.replace(/^mysql:/, 'mariadb:'));
    try {
      expect((await other.radcheck()).length).toBe(3);
    } finally {
      await other.close();
    }
  });

  it('counts every table, radpostauth included', async () => {
    expect(await source.counts()).toEqual({
      nas: 2, radcheck: 3, radreply: 2, radgroupcheck: 1, radgroupreply: 2, radusergroup: 2, radacct: 3, radpostauth: 1,
    });
  });

  it('reads nas rows as stored', async () => {
    expect(await source.nas()).toEqual([
      { id: 1, nasname: '192.0.2.1', shortname: 'bras1', type: 'cisco', ports: 1024, secret: 'bras-secret', server: null, community: null, description: 'the BRAS' },
      { id: 2, nasname: '198.51.100.0/28', shortname: 'modems', type: 'other', ports: null, secret: 'modem-secret', server: null, community: null, description: 'RADIUS Client' },
    ]);
  });

  it('reads the check, reply and group tables in id order', async () => {
    expect(await source.radcheck()).toEqual([
      { id: 1, username: 'alice', attribute: 'Cleartext-Password', op: ':=', value: 'alice-pass' },
      { id: 2, username: 'alice', attribute: 'Simultaneous-Use', op: ':=', value: '1' },
      { id: 3, username: 'bob', attribute: 'NT-Password', op: ':=', value: 'FC156AF7EDCD6C0EDDE3337D427F4EAC' },
    ]);
    expect(await source.radreply()).toEqual([
      { id: 1, username: 'alice', attribute: 'Framed-IP-Address', op: '=', value: '192.0.2.10' },
      { id: 2, username: 'alice', attribute: 'Framed-Route', op: '+=', value: '198.51.100.0/24' },
    ]);
    expect(await source.radgroupcheck()).toEqual([{ id: 1, groupname: 'suspended', attribute: 'Auth-Type', op: ':=', value: 'Reject' }]);
    expect(await source.radgroupreply()).toEqual([
      { id: 1, groupname: 'fibre', attribute: 'Session-Timeout', op: ':=', value: '86400' },
      { id: 2, groupname: 'fibre', attribute: 'Mikrotik-Rate-Limit', op: '=', value: '100M/100M' },
    ]);
    expect(await source.radusergroup()).toEqual([
      { id: 1, username: 'alice', groupname: 'fibre', priority: 2 },
      { id: 2, username: 'bob', groupname: 'suspended', priority: 1 },
    ]);
  });

  it('says user names match without case under the schema\'s default collation', () => {
    expect(source.caseInsensitiveUsernames).toBe(true);
  });

  it('reads radacct with instants for datetimes, exact octets and null where FreeRADIUS left nothing', async () => {
    const [rows] = await allRadacct(source);
    expect(rows).toHaveLength(3);
    const [done, open, zero] = rows as [RadAcctRow, RadAcctRow, RadAcctRow];
    expect(done).toEqual({
      radacctid: '1', acctsessionid: 's-1', acctuniqueid: 'u0000000000000000000000000000001', username: 'alice', realm: null,
      nasipaddress: '192.0.2.1', nasportid: 'eth0.100', nasporttype: 'Ethernet',
      acctstarttime: new Date(START * 1000), acctupdatetime: new Date(STOP * 1000), acctstoptime: new Date(STOP * 1000),
      acctinterval: 300, acctsessiontime: 3600, acctauthentic: 'RADIUS', connectinfo_start: null, connectinfo_stop: null,
      acctinputoctets: BIG_INPUT.toString(), acctoutputoctets: HUGE_OUTPUT.toString(),
      calledstationid: 'bras1', callingstationid: '02:00:00:00:00:01', acctterminatecause: 'User-Request',
      servicetype: 'Framed-User', framedprotocol: 'PPP', framedipaddress: '192.0.2.10',
      framedipv6address: null, framedipv6prefix: null, framedinterfaceid: null, delegatedipv6prefix: '2001:db8:1200::/56',
    });
    expect(open).toMatchObject({ radacctid: '2', username: 'bob', acctstoptime: null, acctterminatecause: null, framedipaddress: null, acctinputoctets: '0' });
    expect(zero).toMatchObject({ radacctid: '3', acctstarttime: new Date(START * 1000), acctupdatetime: null, acctstoptime: null });
  });

  it('reads radacct in batches by radacctid, and from after a given id', async () => {
    const batches = await allRadacct(source, { batchSize: 2 });
    expect(batches.map((b) => b.map((r) => r.radacctid))).toEqual([['1', '2'], ['3']]);
    const after = await allRadacct(source, { afterId: '1', batchSize: 1 });
    expect(after.map((b) => b.map((r) => r.radacctid))).toEqual([['2'], ['3']]);
    expect(await allRadacct(source, { afterId: 3 })).toEqual([]);
  });

  it('reads datetimes in the ?timezone= FreeRADIUS wrote them in', async () => {
    // The same wall clock read as written at +02:00 is two hours earlier.
    const shifted = await openSource(`${url}?timezone=%2B02:00`);
    try {
      const [rows] = await allRadacct(shifted);
      expect(rows![0]!.acctstarttime).toEqual(new Date((START - 2 * 3600) * 1000));
    } finally {
      await shifted.close();
    }
  });

  it('refuses an unknown URL parameter or time zone, and a wrong password, without showing the password', async () => {
    const param = await refusal(openSource(`${url}?ssl=true`));
    expect(param).toMatchObject({ code: 'IMPORT_SOURCE' });
    expect(param.message).toMatch(/\?ssl= is not a parameter/);
    const zone = await refusal(openSource(`${url}?timezone=Mars/Olympus`));
    expect(zone.message).toMatch(/\?timezone=/);
    const wrong = await refusal(openSource(url.replace(PASSWORD, 'not-the-password')));
    expect(wrong.code).toBe('IMPORT_SOURCE');
    expect(wrong.message).toMatch(/did not answer: Access denied/);
    for (const r of [param, zone, wrong]) {
      expect(r.message).not.toContain(PASSWORD);
      expect(r.message).not.toContain('not-the-password');
    }
  });

  it('reads a database without some rlm_sql tables as empty ones', async () => {
    const { url: partialUrl } = await server.createDatabase('clients_in_files', 'partial', PASSWORD);
    await server.admin("USE clients_in_files; CREATE TABLE radcheck (id int unsigned NOT NULL auto_increment PRIMARY KEY, username varchar(64) COLLATE utf8mb4_bin NOT NULL default '', attribute varchar(64) NOT NULL default '', op char(2) NOT NULL DEFAULT '==', value varchar(253) NOT NULL default ''); INSERT INTO radcheck (username, attribute, op, value) VALUES ('Alice', 'Cleartext-Password', ':=', 'x')");
    const partial = await openSource(partialUrl);
    try {
      expect(await partial.counts()).toEqual({
        nas: null, radcheck: 1, radreply: null, radgroupcheck: null, radgroupreply: null, radusergroup: null, radacct: null, radpostauth: null,
      });
      expect(await partial.nas()).toEqual([]);
      expect(await partial.radusergroup()).toEqual([]);
      expect(await allRadacct(partial)).toEqual([]);
      // A binary collation matches names exactly, as PostgreSQL does.
      expect(partial.caseInsensitiveUsernames).toBe(false);
    } finally {
      await partial.close();
    }
  });
});
