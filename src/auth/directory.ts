/** The seams the access policy reads through: members and plans in memory, live session counts. */
import type { Member } from '../domain/member.js';
import type { RawAttribute } from '../protocol/packet.js';

export interface MemberDirectory {
  member(username: string): Member | undefined;
  /** A plan's reply attributes, encoded once when the plan was loaded. */
  planReply(plan: string): readonly RawAttribute[] | undefined;
}

export interface SessionCounter {
  /** Open sessions of a member across every daemon sharing the store. */
  countOpenForUser(username: string): Promise<number>;
}
