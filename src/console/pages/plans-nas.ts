/** Plans with their reply attributes, and NAS clients: lists and the forms to add one. A NAS's secret is asked for, never shown. */
import { html, type Html } from '../html.js';
import type { ApiRefusal } from '../api-client.js';
import { csrfField, noticeBox, page, refusalBox, time, type PageCtx } from './layout.js';

export interface PlanRow {
  name: string;
  attributes: Array<{ name: string; value: string }>;
}

export function plansPage(ctx: PageCtx, opts: { plans: PlanRow[]; canWrite: boolean; values?: { name?: string; attributes?: string }; notice?: string; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  const form = opts.canWrite
    ? html`<h2>${tr.t('plans.add')}</h2><form class="stack" method="post" action="/console/plans">${csrfField(ctx)}
<div><label for="name">${tr.t('plans.name')}</label><input id="name" name="name" required value="${opts.values?.name ?? ''}"></div>
<div><label for="attributes">${tr.t('plans.attributes')}<span class="hint">${tr.t('plans.attributes.hint')}</span></label><textarea id="attributes" name="attributes" rows="4">${opts.values?.attributes ?? ''}</textarea></div>
<div><button type="submit">${tr.t('plans.add')}</button></div></form>`
    : '';
  return page(
    ctx,
    { title: tr.t('plans.title'), current: '/console/plans', side: 'admin' },
    html`<h1>${tr.t('plans.title')}</h1>${noticeBox(ctx, opts.notice)}${refusalBox(ctx, opts.refusal)}
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('plans.name')}</th><th scope="col">${tr.t('plans.attributes')}</th></tr></thead><tbody>${opts.plans.map(
      (p) => html`<tr><td>${p.name}</td><td>${p.attributes.map((a) => html`<code>${a.name}=${a.value}</code> `)}</td></tr>`,
    )}</tbody></table></div>${form}`,
  );
}

export interface NasRow {
  name: string;
  address: string;
  secret_length: number;
  coa_port: number;
  require_message_authenticator: boolean;
  disconnect_profile: string;
  created_at: string;
  shared?: true;
}

export function nasPage(ctx: PageCtx, opts: { nas: NasRow[]; profiles: readonly string[]; canWrite: boolean; values?: { name?: string; address?: string; coa_port?: string }; notice?: string; warnings?: string[]; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  const form = opts.canWrite
    ? html`<h2>${tr.t('nas.add')}</h2><form class="stack" method="post" action="/console/nas">${csrfField(ctx)}
<div><label for="name">${tr.t('nas.name')}</label><input id="name" name="name" required value="${opts.values?.name ?? ''}"></div>
<div><label for="address">${tr.t('nas.address')}<span class="hint">${tr.t('nas.address.hint')}</span></label><input id="address" name="address" required value="${opts.values?.address ?? ''}"></div>
<div><label for="secret">${tr.t('nas.secret')}<span class="hint">${tr.t('nas.secret.hint')}</span></label><input id="secret" name="secret" type="password" required autocomplete="off"></div>
<div><label for="coa_port">${tr.t('nas.coa-port')}</label><input id="coa_port" name="coa_port" inputmode="numeric" value="${opts.values?.coa_port ?? ''}"></div>
<div><label for="disconnect_profile">${tr.t('nas.profile')}</label><select id="disconnect_profile" name="disconnect_profile">${opts.profiles.map((p) => html`<option value="${p}">${p}</option>`)}</select></div>
<div><button type="submit">${tr.t('nas.add')}</button></div></form>`
    : '';
  const warnings = opts.warnings && opts.warnings.length > 0 ? html`<div class="error" role="status"><ul lang="en">${opts.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : '';
  return page(
    ctx,
    { title: tr.t('nas.title'), current: '/console/nas', side: 'admin' },
    html`<h1>${tr.t('nas.title')}</h1>${noticeBox(ctx, opts.notice)}${warnings}${refusalBox(ctx, opts.refusal)}
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('nas.address')}</th><th scope="col">${tr.t('nas.secret')}</th><th scope="col">${tr.t('nas.coa-port')}</th><th scope="col">${tr.t('nas.profile')}</th><th scope="col">${tr.t('member.created')}</th></tr></thead><tbody>${opts.nas.map(
      (n) =>
        html`<tr><td>${n.name}${n.shared ? html` <span class="muted">(${tr.t('nas.shared')})</span>` : ''}</td><td>${n.address}</td><td>${tr.t('nas.secret.length', { length: n.secret_length })}</td><td>${n.coa_port}</td><td>${n.disconnect_profile}</td><td>${time(ctx, n.created_at)}</td></tr>`,
    )}</tbody></table></div>${form}`,
  );
}
