/**
 * A member's right of access: everything held about one member of the
 * scope's tenant (privacy/member-data.ts gathers it, docs/privacy.md names
 * the sections). A name of which nothing is held is an unknown member.
 */
import { fail } from '../errors.js';
import { holdsAnything, memberData, type MemberData } from '../privacy/member-data.js';
import type { Scope, ServiceDeps } from './deps.js';

export type { MemberData } from '../privacy/member-data.js';

export async function memberDataOf(deps: Pick<ServiceDeps, 'db' | 'now'>, scope: Scope, username: string): Promise<MemberData> {
  const data = await memberData(deps.db, scope.tenant, username, deps.now());
  if (!holdsAnything(data)) throw fail('UNKNOWN_MEMBER', { username });
  return data;
}
