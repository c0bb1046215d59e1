/** A plan: a named set of reply attributes sent in every Access-Accept of its members. */
export interface PlanAttribute {
  /** Dictionary name, e.g. Session-Timeout or Mikrotik-Rate-Limit. */
  name: string;
  /** Textual value as the admin wrote it, validated against the dictionary. */
  value: string;
}

export interface Plan {
  name: string;
  attributes: PlanAttribute[];
  createdAt: Date;
  updatedAt: Date;
}
