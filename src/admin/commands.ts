/** Every command group, registered on the yargs root. One file per group. */
import type { Argv } from 'yargs';
import type { GlobalArgs } from './context.js';
import { registerServe } from './serve.js';
import { registerMigrate } from './migrate.js';
import { registerNas } from './nas.js';
import { registerPlan } from './plan.js';
import { registerMember } from './member.js';
import { registerExport } from './export.js';
import { registerDisconnect } from './disconnect.js';
import { registerDiagnose } from './diagnose.js';
import { registerAudit } from './audit.js';
import { registerDues } from './dues.js';
import { registerSessions } from './sessions.js';
import { registerApiAdmin } from './api-admin.js';
import { registerApiToken } from './api-token.js';
import { registerTenant } from './tenant.js';
import { registerHook } from './hook.js';
import { registerImport } from './import.js';
import { registerRequisition } from './requisition.js';
import { registerRetention } from './retention.js';

export function registerCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  for (const register of [registerServe, registerMigrate, registerNas, registerPlan, registerMember, registerExport, registerDisconnect, registerDiagnose, registerAudit, registerDues, registerSessions, registerTenant, registerApiAdmin, registerApiToken, registerHook, registerImport, registerRequisition, registerRetention]) register(cli);
  return cli;
}
