import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix = 'radassoc-'): string => mkdtempSync(join(tmpdir(), prefix));
