/**
 * FreeRADIUS databases on MySQL or MariaDB: not built yet.
 */
import { fail } from '../errors.js';
import type { FreeRadiusSource } from './source.js';
import { sourceWhere } from './source.js';

export async function openMysqlSource(url: string): Promise<FreeRadiusSource> {
  throw fail('IMPORT_SOURCE', { problem: 'not-built', dialect: 'mysql', where: sourceWhere(url) });
}
