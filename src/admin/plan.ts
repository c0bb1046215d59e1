/**
 * `radassoc plan add|list|set|remove`: named sets of reply attributes. The
 * plan services (services/plans.ts) check every attribute against the
 * dictionaries, so a typo is refused here, not discovered when a member
 * logs in.
 */
import type { Argv } from 'yargs';
import type { PlanAttribute } from '../domain/plan.js';
import { fail } from '../errors.js';
import { checkPlanAttribute, splitAttribute } from '../services/plan-attributes.js';
import { addPlan, listPlans, removePlan, setPlan, showPlan } from '../services/plans.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, printRows, say } from './output.js';

/** The --attr flags, checked against the dictionaries before the database is opened (the service checks them too). */
function attrList(argv: { attr?: Array<string | number> | undefined }): PlanAttribute[] {
  return (argv.attr ?? []).map((a) => checkPlanAttribute(splitAttribute(String(a))));
}

const attrOption = {
  type: 'string',
  array: true,
  describe: "reply attribute, repeatable: --attr 'Session-Timeout=86400' --attr 'Mikrotik-Rate-Limit=10M/20M'",
} as const;

const textOf = (attrs: readonly PlanAttribute[]): string => attrs.map((a) => `${a.name}=${a.value}`).join(', ');

export function registerPlan(cli: Argv<GlobalArgs>): void {
  cli.command('plan', 'plans (reply attributes): add, list, show, set, remove', (plan) => {
    plan.command(
      'add <name>',
      'create a plan',
      (y) => y.positional('name', { type: 'string', demandOption: true }).option('attr', attrOption),
      async (argv) => {
        const attributes = attrList(argv);
        await withContext(argv, async (ctx) => {
          const added = await addPlan({ db: ctx.db }, await ctx.scope(), { name: argv.name, attributes });
          if (ctx.json) printRecord({ ...added }, true);
          else say(`added plan ${added.name}${added.attributes.length ? `: ${textOf(added.attributes)}` : ' (no attributes)'}`, false);
        });
      },
    );
    plan.command(
      'list',
      'list plans with their attributes',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const scope = await ctx.readScope();
          const plans = await listPlans({ db: ctx.db }, scope);
          const all = scope.tenant === 'all';
          if (ctx.json) printRows(plans.map((p) => ({ ...p })), [], true);
          else printRows(plans.map((p) => ({ tenant: p.tenant, name: p.name, attributes: textOf(p.attributes) || '-' })), [...(all ? ['tenant'] : []), 'name', 'attributes'], false);
        });
      },
    );
    plan.command(
      'show <name>',
      'show a plan and its attributes',
      (y) => y.positional('name', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const p = await showPlan({ db: ctx.db }, await ctx.scope(), argv.name);
          if (ctx.json) printRecord({ ...p }, true);
          else printRecord({ name: p.name, attributes: textOf(p.attributes) || '-', created_at: p.created_at, updated_at: p.updated_at }, false);
        });
      },
    );
    plan.command(
      'set <name>',
      "replace a plan's attributes (members on it get them at their next login)",
      (y) =>
        y
          .positional('name', { type: 'string', demandOption: true })
          .option('attr', attrOption)
          .option('clear', { type: 'boolean', default: false, describe: 'remove every attribute' }),
      async (argv) => {
        const attributes = attrList(argv);
        if (argv.clear === (attributes.length > 0)) throw fail('INVALID_ARGUMENT', { problem: 'plan-attributes-flags', both: argv.clear });
        await withContext(argv, async (ctx) => {
          const updated = await setPlan({ db: ctx.db }, await ctx.scope(), { name: argv.name, attributes });
          if (ctx.json) printRecord({ ...updated }, true);
          else say(`plan ${updated.name}: ${textOf(updated.attributes) || 'no attributes'}`, false);
        });
      },
    );
    plan.command(
      'remove <name>',
      'delete a plan no member uses',
      (y) => y.positional('name', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const { removed } = await removePlan({ db: ctx.db }, await ctx.scope(), argv.name);
          if (ctx.json) printRecord({ removed }, true);
          else say(`removed plan ${removed}`, false);
        });
      },
    );
    return plan.demandCommand(1, 'Name a plan command: add, list, show, set or remove.');
  });
}
