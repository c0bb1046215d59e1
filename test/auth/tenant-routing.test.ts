import { describe, expect, it } from 'vitest';
import { parseRealm, routeUser, type RoutingIndex } from '../../src/auth/tenant-routing.js';

// Tenants 1 (asso-a, strips its realm) and 2 (asso-b, keeps it).
const index: RoutingIndex = {
  realmTenant: (realm) => ({ 'asso-a': 1, 'asso-a.example': 1, 'asso-b': 2 })[realm],
  stripsRealm: (id) => id === 1,
};

describe('realm syntax', () => {
  it('takes the last @ as the suffix delimiter and the first / as the prefix one', () => {
    expect(parseRealm('alice@home@asso-a', 'suffix')).toEqual({ realm: 'asso-a', bare: 'alice@home' });
    expect(parseRealm('asso-a/bob/x', 'prefix')).toEqual({ realm: 'asso-a', bare: 'bob/x' });
  });

  it('finds no realm in a bare name, a dangling delimiter, or the syntax not configured', () => {
    expect(parseRealm('alice', 'both')).toBeNull();
    expect(parseRealm('alice@', 'suffix')).toBeNull();
    expect(parseRealm('@asso-a', 'suffix')).toBeNull();
    expect(parseRealm('asso-a/bob', 'suffix')).toBeNull();
    expect(parseRealm('bob@asso-a', 'prefix')).toBeNull();
  });

  it('tries the suffix first when both are allowed', () => {
    expect(parseRealm('asso-a/bob@asso-b', 'both')).toEqual({ realm: 'asso-b', bare: 'asso-a/bob' });
  });
});

describe('routing a User-Name to its tenant', () => {
  const shared = { carries: [1, 2] };

  it('routes a realm in any case to its tenant on a shared NAS, stripping or keeping it as the tenant says', () => {
    expect(routeUser('alice@ASSO-A', shared, index, 'suffix')).toEqual({ ok: true, tenantId: 1, username: 'alice', realm: 'asso-a' });
    expect(routeUser('alice@Asso-B', shared, index, 'suffix')).toEqual({ ok: true, tenantId: 2, username: 'alice@Asso-B', realm: 'asso-b' });
    expect(routeUser('asso-a/alice', shared, index, 'prefix')).toMatchObject({ ok: true, tenantId: 1, username: 'alice' });
  });

  it('refuses on a shared NAS a request without a realm, with an unknown realm, or with a realm it does not carry', () => {
    expect(routeUser('alice', shared, index, 'suffix')).toEqual({ ok: false, reason: 'realm-missing', realm: null });
    expect(routeUser('alice@elsewhere', shared, index, 'suffix')).toEqual({ ok: false, reason: 'realm-not-served', realm: 'elsewhere' });
    expect(routeUser('alice@asso-b', { carries: [1] }, index, 'suffix')).toEqual({ ok: false, reason: 'realm-not-served', realm: 'asso-b' });
  });

  it('serves on an owned NAS its owner only: bare names and unknown realms are looked up whole in the owner', () => {
    expect(routeUser('alice', { owner: 2 }, index, 'suffix')).toEqual({ ok: true, tenantId: 2, username: 'alice', realm: null });
    expect(routeUser('alice@gmail.com', { owner: 2 }, index, 'suffix')).toEqual({ ok: true, tenantId: 2, username: 'alice@gmail.com', realm: null });
    expect(routeUser('alice@asso-a.example', { owner: 1 }, index, 'suffix')).toMatchObject({ ok: true, tenantId: 1, username: 'alice' });
  });

  it("refuses on tenant B's NAS a member of tenant A named with A's realm", () => {
    expect(routeUser('alice@asso-a', { owner: 2 }, index, 'suffix')).toEqual({ ok: false, reason: 'realm-not-served', realm: 'asso-a' });
    expect(routeUser('alice@AssO-a', { owner: 2 }, index, 'suffix')).toMatchObject({ ok: false, reason: 'realm-not-served' });
  });
});

describe('a shared NAS carrying hundreds of tenants', () => {
  const realms = new Map(Array.from({ length: 501 }, (_, k) => [`realm-${k}`, k + 10]));
  const many: RoutingIndex = { realmTenant: (realm) => realms.get(realm), stripsRealm: () => true };

  it('routes to every tenant it carries and refuses the one it does not', () => {
    const lac = { carries: Array.from({ length: 500 }, (_, k) => k + 10) };
    for (let k = 0; k < 500; k++) {
      expect(routeUser(`user${k}@realm-${k}`, lac, many, 'suffix')).toEqual({ ok: true, tenantId: k + 10, username: `user${k}`, realm: `realm-${k}` });
    }
    expect(routeUser('user500@realm-500', lac, many, 'suffix')).toEqual({ ok: false, reason: 'realm-not-served', realm: 'realm-500' });
  });

  it('follows a reloaded list: a tenant added or removed takes effect with the new list', () => {
    const before = { carries: [10, 11] };
    expect(routeUser('bob@realm-2', before, many, 'suffix')).toMatchObject({ ok: false, reason: 'realm-not-served' });
    expect(routeUser('bob@realm-0', before, many, 'suffix')).toMatchObject({ ok: true, tenantId: 10 });
    const after = { carries: [11, 12] };
    expect(routeUser('bob@realm-2', after, many, 'suffix')).toMatchObject({ ok: true, tenantId: 12 });
    expect(routeUser('bob@realm-0', after, many, 'suffix')).toMatchObject({ ok: false, reason: 'realm-not-served' });
  });
});
