/** A plan: a named set of reply attributes sent in every Access-Accept of its members. */
export interface PlanAttribute {
  /** Dictionary name, e.g. Session-Timeout or Mikrotik-Rate-Limit. */
  name: string;
  /** Textual value as the admin wrote it, validated against the dictionary. */
  value: string;
}

export interface Plan {
  /** The tenant the plan belongs to: plan names are unique within a tenant only. */
  tenantId: number;
  name: string;
  attributes: PlanAttribute[];
  createdAt: Date;
  updatedAt: Date;
}
