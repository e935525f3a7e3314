// Run before each test file (vitest's setupFiles). The timed files share one process
// (vitest.config.ts), so what a module keeps per process would otherwise carry over
// from one file to the next: here, the machine's measured speed.
import { forgetMachine } from './budgets.ts';

forgetMachine();
