/**
 * `radassoc tenant add|list|show|set|remove`: the associations the deployment
 * serves, their realms and their own settings. Deployment-level commands
 * for the operator: --tenant does not scope them (the tenant is named
 * positionally). The tenant services (services/tenants.ts) check and audit.
 */
import type { Argv } from 'yargs';
import { REJECT_REASONS, type RejectReason } from '../domain/auth-result.js';
import type { PlanAttribute } from '../domain/plan.js';
import { fail } from '../errors.js';
import { checkPlanAttribute, splitAttribute } from '../services/plan-attributes.js';
import {
  addTenant,
  listTenants,
  removeTenant,
  setTenant,
  showTenant,
  type TenantSettingKey,
  type TenantSettingsInput,
  type TenantView,
} from '../services/tenants.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, printRows, say } from './output.js';

/** The word that gives a setting back to the deployment's configuration. */
const DEFAULT_WORD = 'default';

const list = { type: 'string', array: true } as const;

const SETTING_OPTIONS = {
  'display-name': { type: 'string', describe: 'the name people read, e.g. "Association A" (default: the name)' },
  realm: { ...list, describe: 'realm routed to the tenant (user@realm or realm/user), repeatable; any case matches' },
  'keep-realm': { type: 'boolean', describe: 'look members up by the full User-Name (alice@asso-a), not the name without the realm' },
  'strip-realm': { type: 'boolean', describe: 'the opposite of --keep-realm: look members up without the realm (the default)' },
  'restricted-plan': { type: 'string', describe: `walled-garden plan for suspended members; none: reject them; ${DEFAULT_WORD}: the deployment's` },
  'grace-days': { type: 'string', describe: `days after paid-until before the dues job suspends; ${DEFAULT_WORD}: the deployment's` },
  lockout: { type: 'string', describe: `failed logins that lock a username; ${DEFAULT_WORD}: the deployment's` },
  'auth-log-days': {
    type: 'string',
    alias: 'auth-log-retention-days',
    describe: `days of authentication log kept (0: all); ${DEFAULT_WORD}: the deployment's`,
  },
  'usage-detail-retention-months': {
    type: 'string',
    describe: `whole months of per-session usage kept after the current one, then folded into monthly totals (at least 1); ${DEFAULT_WORD}: the deployment's`,
  },
  'usage-totals-retention-months': {
    type: 'string',
    describe: `months a member's monthly usage totals are kept after the month (0: all); ${DEFAULT_WORD}: the deployment's`,
  },
  'identifier-retention-days': {
    type: 'string',
    describe: `days Calling-Station-Id, NAS-Port-Id and Class stay on an ended session (0: cleared at the next retention run); ${DEFAULT_WORD}: the deployment's`,
  },
  'audit-retention-days': { type: 'string', describe: `days of audit log kept (0: all); ${DEFAULT_WORD}: the deployment's` },
  'disconnect-log-retention-days': { type: 'string', describe: `days of disconnect log kept (0: all); ${DEFAULT_WORD}: the deployment's` },
  'register-retention-days': { type: 'string', describe: `days the connection register is kept after each connection ended (1 to 3650); ${DEFAULT_WORD}: 365` },
  'member-space-link': { type: 'string', describe: `where the member space sends a suspended member (an http or https URL, e.g. the dues page); ${DEFAULT_WORD}: none` },
  'password-min-length': { type: 'string', describe: `least length of a password members choose in the member space, 8 to 128; ${DEFAULT_WORD}: 8` },
  'reply-message': { ...list, describe: `Reply-Message for a reject reason, repeatable: --reply-message 'suspended=Call 01 23 45 67 89' (${REJECT_REASONS.join(', ')})` },
  attribute: { ...list, alias: 'attr', describe: "reply attribute in every Access-Accept of the tenant, repeatable: --attribute 'Tunnel-Type:1=L2TP'" },
} as const;

interface SettingFlags {
  displayName?: string | undefined;
  realm?: Array<string | number> | undefined;
  keepRealm?: boolean | undefined;
  stripRealm?: boolean | undefined;
  restrictedPlan?: string | undefined;
  graceDays?: string | undefined;
  lockout?: string | undefined;
  authLogDays?: string | undefined;
  usageDetailRetentionMonths?: string | undefined;
  usageTotalsRetentionMonths?: string | undefined;
  identifierRetentionDays?: string | undefined;
  auditRetentionDays?: string | undefined;
  disconnectLogRetentionDays?: string | undefined;
  registerRetentionDays?: string | undefined;
  memberSpaceLink?: string | undefined;
  passwordMinLength?: string | undefined;
  replyMessage?: Array<string | number> | undefined;
  attribute?: Array<string | number> | undefined;
}

const strings = (v: Array<string | number> | undefined): string[] | undefined => v?.map(String);

function wholeNumber(flag: string, text: string): number {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) throw fail('INVALID_ARGUMENT', { problem: 'tenant-setting', flag, value: text, expected: `a whole number, or ${DEFAULT_WORD}` });
  return Number(t);
}

/** --keep-realm / --strip-realm as one value, refused when they contradict each other. */
function stripRealmOf(f: SettingFlags): boolean | undefined {
  const fromKeep = f.keepRealm === undefined ? undefined : !f.keepRealm;
  if (fromKeep !== undefined && f.stripRealm !== undefined && fromKeep !== f.stripRealm) {
    throw fail('INVALID_ARGUMENT', { problem: 'tenant-flags', flags: ['--keep-realm', '--strip-realm'] });
  }
  return fromKeep ?? f.stripRealm;
}

function replyMessages(texts: readonly string[]): Partial<Record<RejectReason, string>> {
  const out: Partial<Record<RejectReason, string>> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    const reason = eq === -1 ? '' : text.slice(0, eq).trim();
    if (!REJECT_REASONS.includes(reason as RejectReason)) throw fail('INVALID_ARGUMENT', { problem: 'reply-reason', text, reasons: [...REJECT_REASONS] });
    out[reason as RejectReason] = text.slice(eq + 1).trim();
  }
  return out;
}

/** The setting flags as the service takes them: values to set, and the settings given back to the deployment. */
function settingsOf(f: SettingFlags): { settings: TenantSettingsInput; unset: TenantSettingKey[] } {
  const settings: TenantSettingsInput = {};
  const unset: TenantSettingKey[] = [];
  type NumericKey =
    | 'duesGraceDays'
    | 'lockoutThreshold'
    | 'authLogRetentionDays'
    | 'usageDetailRetentionMonths'
    | 'usageTotalsRetentionMonths'
    | 'identifierRetentionDays'
    | 'auditRetentionDays'
    | 'disconnectLogRetentionDays'
    | 'registerRetentionDays'
    | 'passwordMinLength';
  const numeric: Array<[string, string | undefined, NumericKey]> = [
    ['grace-days', f.graceDays, 'duesGraceDays'],
    ['lockout', f.lockout, 'lockoutThreshold'],
    ['auth-log-days', f.authLogDays, 'authLogRetentionDays'],
    ['usage-detail-retention-months', f.usageDetailRetentionMonths, 'usageDetailRetentionMonths'],
    ['usage-totals-retention-months', f.usageTotalsRetentionMonths, 'usageTotalsRetentionMonths'],
    ['identifier-retention-days', f.identifierRetentionDays, 'identifierRetentionDays'],
    ['audit-retention-days', f.auditRetentionDays, 'auditRetentionDays'],
    ['disconnect-log-retention-days', f.disconnectLogRetentionDays, 'disconnectLogRetentionDays'],
    ['register-retention-days', f.registerRetentionDays, 'registerRetentionDays'],
    ['password-min-length', f.passwordMinLength, 'passwordMinLength'],
  ];
  for (const [flag, text, key] of numeric) {
    if (text === undefined) continue;
    if (text.trim().toLowerCase() === DEFAULT_WORD) unset.push(key);
    else settings[key] = wholeNumber(flag, text);
  }
  if (f.restrictedPlan !== undefined) {
    const word = f.restrictedPlan.trim();
    if (word === '') throw fail('INVALID_ARGUMENT', { problem: 'flag-needs-value', flag: 'restricted-plan', clearable: true });
    if (word.toLowerCase() === DEFAULT_WORD) unset.push('restrictedPlan');
    else settings.restrictedPlan = word.toLowerCase() === 'none' ? null : word;
  }
  if (f.memberSpaceLink !== undefined) {
    const link = f.memberSpaceLink.trim();
    if (link === '') throw fail('INVALID_ARGUMENT', { problem: 'flag-needs-value', flag: 'member-space-link', clearable: false });
    if (link.toLowerCase() === DEFAULT_WORD) unset.push('memberSpaceLink');
    else settings.memberSpaceLink = link;
  }
  const messages = strings(f.replyMessage);
  if (messages !== undefined) settings.replyMessages = replyMessages(messages);
  return { settings, unset };
}

/** --attribute flags, checked against the dictionaries before the database is opened (the service checks them too). */
const attributesOf = (f: SettingFlags): PlanAttribute[] | undefined => strings(f.attribute)?.map((a) => checkPlanAttribute(splitAttribute(a)));

const attrText = (attrs: readonly PlanAttribute[]): string => attrs.map((a) => `${a.name}=${a.value}`).join(', ');

function describe(t: TenantView): string {
  const realms = t.realms.length > 0 ? `realms ${t.realms.join(', ')}${t.strip_realm ? '' : ' (kept in the username)'}` : 'no realm';
  return `tenant ${t.name} (${t.display_name}): ${realms}`;
}

function registerAdd(tenant: Argv<GlobalArgs>): void {
  tenant.command(
    'add <name>',
    'add a tenant (an association served by this deployment)',
    (y) => y.positional('name', { type: 'string', demandOption: true, describe: 'lower-case name, as --tenant gives it' }).options(SETTING_OPTIONS),
    async (argv) => {
      const { settings } = settingsOf(argv);
      const stripRealm = stripRealmOf(argv);
      const attributes = attributesOf(argv);
      const realms = strings(argv.realm);
      await withContext(argv, async (ctx) => {
        const t = await addTenant({ db: ctx.db }, { name: ctx.actor }, {
          name: argv.name,
          ...(argv.displayName !== undefined ? { displayName: argv.displayName } : {}),
          ...(realms !== undefined ? { realms } : {}),
          ...(stripRealm !== undefined ? { stripRealm } : {}),
          settings,
          ...(attributes !== undefined ? { attributes } : {}),
        });
        if (ctx.json) printRecord({ ...t }, true);
        else say(`added ${describe(t)}`, false);
      });
    },
  );
}

function registerSet(tenant: Argv<GlobalArgs>): void {
  tenant.command(
    'set <name>',
    `change a tenant: realms, settings (${DEFAULT_WORD} gives one back to the deployment), reply attributes`,
    (y) =>
      y
        .positional('name', { type: 'string', demandOption: true })
        .options(SETTING_OPTIONS)
        .option('realm', { ...list, describe: 'the tenant\'s realms, replacing the current ones (repeatable)' })
        .option('add-realm', { ...list, describe: 'add a realm (repeatable)' })
        .option('remove-realm', { ...list, describe: 'remove a realm (repeatable)' })
        .option('attribute', { ...list, alias: 'attr', describe: 'reply attributes, replacing the current ones (repeatable)' })
        .option('clear-attributes', { type: 'boolean', default: false, describe: 'remove every reply attribute' }),
    async (argv) => {
      const { settings, unset } = settingsOf(argv);
      const stripRealm = stripRealmOf(argv);
      const attributes = attributesOf(argv);
      if (argv.clearAttributes && attributes !== undefined) throw fail('INVALID_ARGUMENT', { problem: 'tenant-flags', flags: ['--attribute', '--clear-attributes'] });
      const realms = strings(argv.realm);
      const addRealms = strings(argv.addRealm);
      const removeRealms = strings(argv.removeRealm);
      const anySetting = Object.keys(settings).length > 0;
      await withContext(argv, async (ctx) => {
        const t = await setTenant({ db: ctx.db }, { name: ctx.actor }, {
          name: argv.name,
          ...(argv.displayName !== undefined ? { displayName: argv.displayName } : {}),
          ...(realms !== undefined ? { realms } : {}),
          ...(addRealms !== undefined ? { addRealms } : {}),
          ...(removeRealms !== undefined ? { removeRealms } : {}),
          ...(stripRealm !== undefined ? { stripRealm } : {}),
          ...(anySetting ? { settings } : {}),
          ...(unset.length > 0 ? { unset } : {}),
          ...(argv.clearAttributes ? { attributes: [] } : attributes !== undefined ? { attributes } : {}),
        });
        if (ctx.json) printRecord({ ...t }, true);
        else say(`updated ${describe(t)}`, false);
      });
    },
  );
}

function registerReads(tenant: Argv<GlobalArgs>): void {
  tenant.command(
    'list',
    'list tenants with their realms and member counts',
    (y) => y,
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const rows = await listTenants({ db: ctx.db });
        printRows(rows.map((t) => ({ ...t })), ['name', 'display_name', 'realms', 'strip_realm', 'members'], ctx.json);
      });
    },
  );
  tenant.command(
    'show <name>',
    'show a tenant: realms, own settings, reply attributes and what it holds',
    (y) => y.positional('name', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const t = await showTenant({ db: ctx.db }, argv.name);
        if (ctx.json) printRecord({ ...t }, true);
        else printRecord({ ...t, attributes: attrText(t.attributes) || '-' }, false);
      });
    },
  );
  tenant.command(
    'remove <name>',
    'delete a tenant that holds nothing any more (no member, plan, NAS or usage)',
    (y) => y.positional('name', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const { removed } = await removeTenant({ db: ctx.db }, { name: ctx.actor }, argv.name);
        if (ctx.json) printRecord({ removed }, true);
        else say(`removed tenant ${removed}`, false);
      });
    },
  );
}

export function registerTenant(cli: Argv<GlobalArgs>): void {
  cli.command('tenant', 'tenants (the associations served): add, list, show, set, remove', (tenant) => {
    registerAdd(tenant);
    registerSet(tenant);
    registerReads(tenant);
    return tenant.demandCommand(1, 'Name a tenant command: add, list, show, set or remove.');
  });
}
