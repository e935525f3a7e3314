import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Why a skipped test was skipped: the note of `ctx.skip(note)`, or the one `needs()` put in its meta (test/support/skips.ts). */
export function skipReason(test: TestCase): string | null {
  const result = test.result();
  if (result.state !== 'skipped') return null;
  return result.note ?? test.meta().skipNote ?? null;
}

/**
 * Ends a run with what was skipped and why, one line per cause (tests, files, and what would
 * run them), then `N passed, N failed, N skipped` as the very last line, the plain closing line
 * CI reads. Vitest's own summary has a different shape.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    /** Skip note -> the files and the number of tests it skipped. */
    const causes = new Map<string, { tests: number; files: Set<string> }>();
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const note = skipReason(test) ?? 'no reason given (it.skip, todo, or filtered out)';
          const cause = causes.get(note) ?? { tests: 0, files: new Set<string>() };
          cause.tests++;
          cause.files.add(relative(process.cwd(), mod.moduleId));
          causes.set(note, cause);
        }
      }
      // A file that failed to load has no tests but must still fail the run.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    if (causes.size > 0) {
      const lines = [...causes].map(([note, c]) => {
        const files = [...c.files].sort();
        const where = files.length <= 3 ? files.join(', ') : `${files.slice(0, 2).join(', ')} and ${files.length - 2} more files`;
        return `  ${c.tests} ${c.tests === 1 ? 'test' : 'tests'} (${where}): ${note}`;
      });
      process.stdout.write(`Skipped:\n${lines.join('\n')}\n`);
    }
    process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
