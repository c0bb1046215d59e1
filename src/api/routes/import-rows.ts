/**
 * The JSON import's rows read as the CSV reader reads a file's lines
 * (services/member-csv-reader.ts): every field typed by ImportRowSchema on
 * its own, an unknown field or a value of the wrong type a fault of its row,
 * the rest handed to the member service, which checks the values. One refusal
 * then lists every fault of every row, as POST /members lists every field.
 */
import type { z } from 'zod';
import type { ImportFault, ReadRow } from '../../services/members.js';
import { ImportRowSchema } from '../schemas.js';
import { authMethods, memberFields } from './views.js';

type Typed = Partial<z.output<typeof ImportRowSchema>>;
const SHAPE: Readonly<Record<string, z.ZodType>> = ImportRowSchema.shape;

/** One row as the service takes it (`line`: its position from 1): the fields of the right type, a fault for each other one. */
function readRow(raw: Record<string, unknown>, line: number, faults: ImportFault[]): ReadRow {
  const typed: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(SHAPE)) {
    const r = schema.safeParse(raw[field]);
    if (r.success) typed[field] = r.data;
    else faults.push({ line, message: `${field}: ${r.error.issues[0]?.message ?? 'invalid'}` });
  }
  for (const field of Object.keys(raw)) if (!Object.hasOwn(SHAPE, field)) faults.push({ line, message: `${field}: unknown field` });
  const t = typed as Typed;
  const methods = authMethods(t.auth);
  return { line, username: t.username ?? null, password: t.password ?? null, ...(methods !== undefined ? { authMethods: methods } : {}), ...memberFields(t) };
}

/** Every row of the body, numbered from 1, with every fault the reading found. */
export function readImportRows(members: readonly Record<string, unknown>[]): { rows: ReadRow[]; faults: ImportFault[] } {
  const faults: ImportFault[] = [];
  const rows = members.map((m, i) => readRow(m, i + 1, faults));
  return { rows, faults };
}
