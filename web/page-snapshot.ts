/**
 * What the mining page shows, as plain data: the snapshot the page model
 * (web/page-model.ts) gives its view after every change.
 * @module
 */
import type { MineRequest } from '../src/core/request.ts';
import type { BackendChoice, BackendStatus } from '../src/gpu/backend-choice.ts';
import type { LogEntry } from './activity-log.ts';
import type { FormFields, FormProblemText } from './form-check.ts';
import type { SavedResult } from './history.ts';
import type { PageState, TitleFigures } from './page-state.ts';
import type { PauseReason } from './pause-reasons.ts';

/** The form as typed. */
export interface PageFields extends FormFields {
  threads: string;
}

/** How the message line reads: plain, an error, a warning or good news. */
export type Tone = '' | 'error' | 'warn' | 'ok';

/** The live figures, as text where they are shown as text. */
export interface LiveFigures {
  rate: string;
  attempts: string;
  elapsed: string;
  /** The bar, 0 to 1000. */
  progress: number;
  percent: string;
  /** What the bar measures. */
  label: string;
  /** Rate samples for the chart, oldest first. */
  samples: readonly number[];
}

/** What the outlook shows: the job whose difficulty and odds are shown, the rate the time to a hit is taken at, or the words instead. */
export interface Outlook {
  job: { request: MineRequest; count: bigint } | undefined;
  rate: number | undefined;
  /** Shown where there is no rate. */
  otherwise: string;
}

/** Everything the page shows, as plain data. */
export interface PageSnapshot {
  readonly state: PageState;
  readonly badge: string;
  /** The reasons that hold the pause, in the order they were taken; empty unless paused. */
  readonly pausedFor: readonly PauseReason[];
  readonly message: { readonly text: string; readonly tone: Tone };
  readonly fields: Readonly<PageFields>;
  /** The demo picked ('' for the user's own request). */
  readonly demo: string;
  /** Each form problem under its field. */
  readonly problems: FormProblemText;
  readonly controls: {
    readonly start: boolean;
    readonly pause: boolean;
    readonly stop: boolean;
    readonly pauseLabel: 'Pause' | 'Resume';
    /** A job runs: its request, range, demo and backend cannot change (Threads can). */
    readonly locked: boolean;
  };
  /** The backend chosen, and what the current Miner says of it. */
  readonly backend: { readonly choice: BackendChoice; readonly status: BackendStatus | undefined };
  /** Offer the CPU: a job asked for the GPU where there is none. */
  readonly offerCpu: boolean;
  /** This page cannot run the kernel until a reload (a CSP blocks WebAssembly). */
  readonly blocked: boolean;
  readonly live: Readonly<LiveFigures>;
  /** The title's figures while mining. */
  readonly title: TitleFigures;
  readonly outlook: Outlook;
  /** The response line ('' for none) and, for a hit, the independent check in words. */
  readonly result: { readonly line: string; readonly verified: string | undefined };
  /** Milliseconds from Stop to the job's end, once stopped. */
  readonly stopMs: number | undefined;
  readonly history: readonly SavedResult[];
  /** The offer to resume an interrupted job, in words; undefined: none. */
  readonly resumeOffer: string | undefined;
  /** The environment card's Workers line; undefined before there is a Miner. */
  readonly workers: string | undefined;
  readonly log: readonly LogEntry[];
}
