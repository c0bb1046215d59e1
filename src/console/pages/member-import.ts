/**
 * The CSV import in two steps: the file is checked first (the API's dry
 * run: every faulty line with its number and every problem on it, nothing
 * written), then a preview of what will be added asks for the confirmation
 * that imports that very file.
 */
import { html, type Html } from '../html.js';
import type { ApiRefusal } from '../api-client.js';
import { csrfField, page, refusalBox, type PageCtx } from './layout.js';

export interface FaultyLine {
  line: number;
  problems: string[];
}

export interface PreviewRow {
  line: number;
  username: string;
  plan: string | null;
  ipv4: string | null;
  ipv6_prefix: string | null;
  paid_until: string | null;
  line_id: string | null;
}

export interface ImportPageData {
  /** The file's faults: nothing was imported. */
  faults?: FaultyLine[];
  refusal?: ApiRefusal | null;
  /** A message of ours (no file, preview expired). */
  problem?: 'no-file' | 'expired' | 'unreadable';
  preview?: { id: string; sha256: string; source: string; count: number; rows: PreviewRow[] };
}

export function importPage(ctx: PageCtx, d: ImportPageData): Html {
  const { tr } = ctx;
  const faults = d.faults
    ? html`<div class="error" role="alert" data-import-faults><p><strong>${tr.t('error.title')}</strong> ${tr.count('import.faulty', d.faults.length)}</p>
<div class="table-wrap"><table><thead><tr><th scope="col" class="num">${tr.t('import.line')}</th><th scope="col">${tr.t('import.problem')}</th></tr></thead><tbody>${d.faults.map((f) =>
        f.problems.map((p) => html`<tr><td class="num">${tr.number(f.line)}</td><td>${p}</td></tr>`),
      )}</tbody></table></div></div>`
    : '';
  const problem = d.problem ? html`<div class="error" role="alert"><p><strong>${tr.t('error.title')}</strong> ${tr.t(`import.${d.problem}`)}</p></div>` : '';
  const p = d.preview;
  const preview = p
    ? html`<section data-import-preview><h2>${tr.count('import.ready', p.count, { source: p.source })}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col" class="num">${tr.t('import.line')}</th><th scope="col">${tr.t('member.username')}</th><th scope="col">${tr.t('members.plan')}</th><th scope="col">${tr.t('session.address')}</th><th scope="col">${tr.t('member.paid-until')}</th><th scope="col">${tr.t('member.line')}</th></tr></thead><tbody>${p.rows.map(
        (r) =>
          html`<tr><td class="num">${tr.number(r.line)}</td><td>${r.username}</td><td>${r.plan ?? '—'}</td><td>${[r.ipv4, r.ipv6_prefix].filter((a) => a !== null).join(' · ') || '—'}</td><td>${r.paid_until ? tr.day(r.paid_until) : '—'}</td><td>${r.line_id ?? '—'}</td></tr>`,
      )}</tbody></table></div>${p.count > p.rows.length ? html`<p class="muted">${tr.t('import.more', { shown: tr.number(p.rows.length), count: tr.number(p.count) })}</p>` : ''}
<form method="post" action="/console/members/import/confirm">${csrfField(ctx)}<input type="hidden" name="id" value="${p.id}"><input type="hidden" name="sha256" value="${p.sha256}"><p><button type="submit">${tr.count('import.confirm', p.count)}</button> <a href="/console/members/import">${tr.t('import.cancel')}</a></p></form></section>`
    : '';
  return page(
    ctx,
    { title: tr.t('import.title'), current: '/console/members', side: 'admin' },
    html`<p><a href="/console/members">${tr.t('member.back')}</a></p><h1>${tr.t('import.title')}</h1>${refusalBox(ctx, d.refusal)}${problem}${faults}${preview}
${p ? '' : html`<p>${tr.t('import.intro')}</p>
<form class="stack" method="post" action="/console/members/import" enctype="multipart/form-data">${csrfField(ctx)}
<div><label for="file">${tr.t('import.file')}<span class="hint">${tr.t('import.file.hint')}</span></label><input id="file" name="file" type="file" accept=".csv,text/csv" required></div>
<div><button type="submit">${tr.t('import.check')}</button></div></form>`}`,
  );
}
