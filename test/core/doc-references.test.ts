// The repository stands on its own: comments and docs cite its own files by
// path, every cited doc exists, and nothing cites the design notes of the
// project's planning ("DESIGN §n"), which a clone does not contain.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['src', 'scripts', 'test', 'web', 'assembly', 'docs', 'examples', '.ci'];
const TEXT = /\.(ts|mts|cts|mjs|cjs|js|md|html|css|json|sh)$|^run$/;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'generated' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT.test(name)) yield path;
  }
}

const sources = [join(ROOT, 'README.md'), ...DIRS.filter((d) => existsSync(join(ROOT, d))).flatMap((d) => [...files(join(ROOT, d))])];
// This file names the pattern it forbids.
const self = fileURLToPath(import.meta.url);

describe('references inside the repository', () => {
  it('no file cites "DESIGN §n", and every docs/*.md a file names exists', () => {
    expect(sources.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const path of sources) {
      if (path === self) continue;
      const text = readFileSync(path, 'utf8');
      const where = relative(ROOT, path);
      if (/DESIGN(\.md)? ?§/.test(text)) problems.push(`${where} cites DESIGN §`);
      for (const [, doc] of text.matchAll(/\bdocs\/([\w-]+\.md)/g)) {
        if (!existsSync(join(ROOT, 'docs', doc))) problems.push(`${where} cites docs/${doc}, which does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
