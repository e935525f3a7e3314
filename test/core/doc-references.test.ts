// The repository stands on its own: comments and docs cite its own files by
// path, every cited doc exists, and nothing cites the design notes of the
// project's planning ("DESIGN §n"), which a clone does not contain. And the
// layout docs/design.md lists cannot go stale: every path it names exists,
// and every source file is in it.
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

/**
 * The paths of the layout in docs/design.md's section "2. The layout": in its
 * code block, a line that starts in the first column names a path from the
 * root (a folder when it ends in `/`); a line indented by exactly two spaces
 * names a path inside the last such folder. Deeper-indented lines continue a
 * description. A folder may stand for every file written into it
 * (`generated/`).
 */
function layoutPaths(): { paths: string[]; wholeFolders: string[] } {
  const design = readFileSync(join(ROOT, 'docs', 'design.md'), 'utf8');
  const section = /^## 2\. The layout\n([\s\S]*?)(?=^## )/m.exec(design)?.[1];
  if (section === undefined) throw new Error('docs/design.md has no section "## 2. The layout"');
  const block = /^```\n([\s\S]*?)^```/m.exec(section)?.[1];
  if (block === undefined) throw new Error('the layout section of docs/design.md has no code block');
  const paths: string[] = [];
  /** Folders listed inside a folder: they stand for every file in them. */
  const wholeFolders: string[] = [];
  let folder = '';
  for (const line of block.split('\n')) {
    const top = /^(\S+)/.exec(line);
    const inner = /^ {2}(\S+)/.exec(line);
    if (top) {
      paths.push(top[1]!);
      folder = top[1]!.endsWith('/') ? top[1]! : '';
    } else if (inner) {
      if (folder === '') throw new Error(`the layout lists ${inner[1]} outside any folder`);
      paths.push(folder + inner[1]!);
      if (inner[1]!.endsWith('/')) wholeFolders.push(folder + inner[1]!);
    }
  }
  return { paths, wholeFolders };
}

/** Every file under `dir` (relative to the root), recursively. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(join(ROOT, d))) {
      const path = `${d}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  if (existsSync(join(ROOT, dir))) walk(dir);
  return out;
}

describe('the layout in docs/design.md', () => {
  const { paths: listed, wholeFolders } = layoutPaths();

  it('names only paths that exist', () => {
    expect(listed.length).toBeGreaterThan(50);
    const missing = listed.filter((p) => {
      const full = join(ROOT, p);
      return !existsSync(full) || statSync(full).isDirectory() !== p.endsWith('/');
    });
    expect(missing, 'paths in the layout that are not in the repository (or are a file listed as a folder, or the reverse)').toEqual([]);
  });

  it('lists every file under src/ and every web/*.ts', () => {
    const covered = (file: string): boolean => listed.includes(file) || wholeFolders.some((f) => file.startsWith(f));
    const sourceFiles = [...allFiles('src'), ...allFiles('web').filter((f) => /^web\/[^/]+\.ts$/.test(f))];
    expect(sourceFiles.length).toBeGreaterThan(50);
    expect(sourceFiles.filter((f) => !covered(f)), 'files missing from the layout').toEqual([]);
  });
});
