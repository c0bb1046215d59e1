/**
 * The protocol layer's boundary (src/protocol/index.ts): every module outside
 * src/protocol imports the codec through its index only, so the codec's inner
 * files can be reorganised without touching the server, auth or CoA code.
 * Tests are exempt: they import internals on purpose to test them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const PROTOCOL = join(SRC, 'protocol');
const PROTOCOL_INDEX = join(PROTOCOL, 'index.js');

interface DeepImport {
  file: string;
  line: number;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import, re-export and dynamic import of `text` that reaches into protocol/ past its index. */
function deepProtocolImports(file: string, text: string): DeepImport[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const found: DeepImport[] = [];
  for (const imported of importedFiles) {
    if (!imported.fileName.startsWith('.')) continue;
    const target = resolve(dirname(file), imported.fileName);
    if (!target.startsWith(PROTOCOL + '/') || target === PROTOCOL_INDEX) continue;
    const line = text.slice(0, imported.pos).split('\n').length;
    found.push({ file: relative(SRC, file), line, specifier: imported.fileName });
  }
  return found;
}

describe('protocol import boundary', () => {
  const outside = sourceFiles(SRC).filter((file) => !file.startsWith(PROTOCOL + '/'));

  it('no module outside src/protocol imports a protocol file other than index.ts', () => {
    const deep = outside.flatMap((file) => deepProtocolImports(file, readFileSync(file, 'utf8')));
    const report = deep.map((d) => `src/${d.file}:${d.line} imports '${d.specifier}'; import from the protocol index instead`);
    expect(report).toEqual([]);
  });

  it('the rest of the code does use the protocol layer, through its index', () => {
    const users = outside.filter((file) =>
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.some((i) => i.fileName.startsWith('.') && resolve(dirname(file), i.fileName) === PROTOCOL_INDEX),
    );
    // The receive path, the verifiers and the CoA client all speak RADIUS.
    const names = users.map((file) => relative(SRC, file));
    expect(names).toEqual(expect.arrayContaining(['server/dispatcher.ts', 'auth/chap.ts', 'coa/client.ts']));
  });

  it('names the file and line of a deep import, whatever form the import takes', () => {
    const file = join(SRC, 'server', 'example.ts');
    const text = [
      "import { Attr } from '../protocol/index.js';",
      "import { md5 } from '../protocol/md5.js';",
      "export type { Secret } from '../protocol/digest.js';",
      "const dictionary = await import('../protocol/dictionary/index.js');",
      "import { other } from './protocol/codes.js';",
    ].join('\n');
    expect(deepProtocolImports(file, text)).toEqual([
      { file: 'server/example.ts', line: 2, specifier: '../protocol/md5.js' },
      { file: 'server/example.ts', line: 3, specifier: '../protocol/digest.js' },
      { file: 'server/example.ts', line: 4, specifier: '../protocol/dictionary/index.js' },
    ]);
  });
});
