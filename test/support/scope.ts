import { DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, type TenantRef } from '../../src/domain/tenant.js';
import type { Scope } from '../../src/services/deps.js';

export const DEFAULT_TENANT: TenantRef = { id: DEFAULT_TENANT_ID, name: DEFAULT_TENANT_NAME };

/** `name` acting in `tenant` (the default tenant, where a database from before tenancy lives). */
export const scopeOf = (name: string, tenant: TenantRef = DEFAULT_TENANT): Scope => ({ actor: { name }, tenant });
