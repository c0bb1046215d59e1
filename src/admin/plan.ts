/**
 * `radassoc plan add|list|set|remove`: named sets of reply attributes.
 * Every attribute is checked against the dictionaries when it is written, so
 * a typo is refused here, not discovered when a member logs in.
 */
import type { Argv } from 'yargs';
import { insertAudit } from '../db/audit.js';
import { deletePlan, getPlan, insertPlan, listPlans, updatePlan } from '../db/plans.js';
import type { Plan, PlanAttribute } from '../domain/plan.js';
import { RadassocError } from '../errors.js';
import { attributeNames, AttributeValueError, encodeAttributeValue, findAttribute } from '../protocol/index.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, printRows, say } from './output.js';
import { closest } from './suggest.js';

export interface PlanView {
  name: string;
  attributes: PlanAttribute[];
  created_at: string;
  updated_at: string;
}

export function planView(p: Plan): PlanView {
  return { name: p.name, attributes: p.attributes, created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString() };
}

/**
 * The dictionary's refusal, with the name or value most likely meant when
 * one is a typo away (Sesion-Timeout, Framed-Usr); else its own words, which
 * list what would do.
 */
function attributeProblem(e: AttributeValueError, name: string, value: string): string {
  const base = name.replace(/:\d{1,3}$/, '');
  if (e.code === 'unknown-attribute') {
    const meant = closest(base, attributeNames());
    if (meant !== null) return `unknown attribute '${base}'; did you mean ${meant}?`;
  }
  const def = e.code === 'invalid-value' ? findAttribute(base) : undefined;
  const meant = def?.values ? closest(value, Object.keys(def.values)) : null;
  if (def && meant !== null) return `${def.name}: '${value}' is not one of its named values; did you mean ${meant}?`;
  return e.message;
}

/** `Attribute=Value` (also `Name:tag=Value`), checked against the dictionaries. */
export function parsePlanAttribute(text: string): PlanAttribute {
  const eq = text.indexOf('=');
  const name = eq === -1 ? '' : text.slice(0, eq).trim();
  if (name === '') {
    throw new RadassocError('INVALID_ATTRIBUTE', `--attr '${text}' is not Attribute=Value; write e.g. --attr 'Session-Timeout=86400'`);
  }
  const value = text.slice(eq + 1).trim();
  try {
    encodeAttributeValue(name, value);
  } catch (e) {
    if (e instanceof AttributeValueError) {
      throw new RadassocError('INVALID_ATTRIBUTE', `--attr '${text}': ${attributeProblem(e, name, value)}`, { attribute: name });
    }
    throw e;
  }
  return { name, value };
}

function attrList(argv: { attr?: Array<string | number> | undefined }): PlanAttribute[] {
  return (argv.attr ?? []).map((a) => parsePlanAttribute(String(a)));
}

const attrOption = {
  type: 'string',
  array: true,
  describe: "reply attribute, repeatable: --attr 'Session-Timeout=86400' --attr 'Mikrotik-Rate-Limit=10M/20M'",
} as const;

const textOf = (attrs: readonly PlanAttribute[]): string => attrs.map((a) => `${a.name}=${a.value}`).join(', ');

export function registerPlan(cli: Argv<GlobalArgs>): void {
  cli.command('plan', 'plans (reply attributes): add, list, set, remove', (plan) => {
    plan.command(
      'add <name>',
      'create a plan',
      (y) => y.positional('name', { type: 'string', demandOption: true }).option('attr', attrOption),
      async (argv) => {
        const attributes = attrList(argv);
        await withContext(argv, async (ctx) => {
          const added = await ctx.db.transaction(async (tx) => {
            const p = await insertPlan(tx, { name: argv.name, attributes });
            await insertAudit(tx, { actor: ctx.actor, action: 'plan.add', target: `plan:${p.name}`, after: planView(p) });
            return p;
          });
          if (ctx.json) printRecord({ ...planView(added) }, true);
          else say(`added plan ${added.name}${attributes.length ? `: ${textOf(attributes)}` : ' (no attributes)'}`, false);
        });
      },
    );
    plan.command(
      'list',
      'list plans with their attributes',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const plans = (await listPlans(ctx.db)).map(planView);
          if (ctx.json) printRows(plans.map((p) => ({ ...p })), [], true);
          else printRows(plans.map((p) => ({ name: p.name, attributes: textOf(p.attributes) || '-' })), ['name', 'attributes'], false);
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
        if (argv.clear && attributes.length > 0) {
          throw new RadassocError('INVALID_ARGUMENT', 'give either --attr ... or --clear, not both');
        }
        if (!argv.clear && attributes.length === 0) {
          throw new RadassocError('INVALID_ARGUMENT', 'give the new attributes with --attr Attribute=Value (repeatable; they replace the old ones), or --clear');
        }
        await withContext(argv, async (ctx) => {
          const updated = await ctx.db.transaction(async (tx) => {
            const before = await getPlan(tx, argv.name);
            const p = await updatePlan(tx, argv.name, { attributes });
            await insertAudit(tx, {
              actor: ctx.actor,
              action: 'plan.set',
              target: `plan:${p.name}`,
              before: before && planView(before),
              after: planView(p),
            });
            return p;
          });
          if (ctx.json) printRecord({ ...planView(updated) }, true);
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
          await ctx.db.transaction(async (tx) => {
            const before = await getPlan(tx, argv.name);
            await deletePlan(tx, argv.name);
            await insertAudit(tx, { actor: ctx.actor, action: 'plan.remove', target: `plan:${argv.name}`, before: before && planView(before) });
          });
          if (ctx.json) printRecord({ removed: argv.name }, true);
          else say(`removed plan ${argv.name}`, false);
        });
      },
    );
    return plan.demandCommand(1, 'Name a plan command: add, list, set or remove.');
  });
}
