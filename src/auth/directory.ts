/** The seams the access policy reads through: members and plans in memory, live session counts. */
import type { AuthMember } from '../domain/member.js';
import type { RawAttribute } from '../protocol/index.js';

/** A member as the directory gives it to the policy. */
export interface DirectoryMember extends AuthMember {
  /**
   * Appends the member's own reply attributes (addresses) from what the
   * record parsed at load (auth/cached-member.ts); absent, the policy encodes
   * them from ipv4/ipv6Prefix text (a plain Member, as tests hand it).
   */
  addReply?(out: RawAttribute[]): void;
}

export interface MemberDirectory {
  member(username: string): DirectoryMember | undefined;
  /** A plan's reply attributes, encoded once when the plan was loaded. */
  planReply(plan: string): readonly RawAttribute[] | undefined;
}

export interface SessionCounter {
  /** Open sessions of a member across every daemon sharing the store. */
  countOpenForUser(username: string): Promise<number>;
}
