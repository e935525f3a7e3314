/**
 * One module Web Worker of the library's Miner, from `new Worker` to `ready`:
 * it gets the compiled kernel once (the module is shared, not copied; its
 * bytes where an engine cannot post a module), and after that every message it
 * sends goes to the Miner. Start-up failures (a script that does not load, a
 * kernel that does not instantiate, no answer in time) and later crashes are
 * reported once, as errors the Miner can reject jobs with; the worker's own
 * error events are kept off the console.
 * @module
 */
import type { KernelBuild } from '../core/kernel-build.ts';
import { SupportError, WorkerFailure } from './errors.ts';
import type { FromWorker, ToWorker } from './messages.ts';

/** What a {@link MinerWorker} tells its owner. */
export interface MinerWorkerEvents {
  /** The kernel is instantiated: the worker takes work from now on. */
  onReady(): void;
  /** A message after `ready`. */
  onMessage(m: FromWorker): void;
  /** The worker failed (before or after `ready`) and was terminated; called at most once. */
  onFailure(err: Error): void;
}

/** How to start a worker. */
export interface MinerWorkerSetup {
  url: URL | string;
  name: string;
  build: KernelBuild;
  /** The compiled kernel; a rejection (e.g. a CSP block) is the worker's failure. */
  module: Promise<WebAssembly.Module>;
  /** The build's bytes, for engines that cannot post a compiled module. */
  bytes: Uint8Array;
  /** Milliseconds to load the script and instantiate the kernel. */
  startTimeoutMs: number;
}

/** A worker and the piece it runs (`task`, owned by the Miner). */
export class MinerWorker<Task> {
  /** True once the kernel is instantiated. */
  ready = false;
  /** True once terminated (by failure or by the owner). */
  gone = false;
  /** The piece it is searching, or null when idle. */
  task: Task | null = null;
  /** Verifications posted to it and not answered yet. */
  verifying = 0;
  readonly #events: MinerWorkerEvents;
  #worker: Worker | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Starts the worker at once; the kernel is posted when `setup.module` resolves. */
  constructor(setup: MinerWorkerSetup, events: MinerWorkerEvents) {
    this.#events = events;
    try {
      this.#worker = new Worker(setup.url, { type: 'module', name: setup.name });
    } catch (err) {
      // Reported asynchronously, like every other failure, so the owner's bookkeeping is done first.
      queueMicrotask(() => this.#fail(new SupportError('worker-start', `this browser could not start a module Web Worker: ${(err as Error).message}`)));
      return;
    }
    const worker = this.#worker;
    this.#timer = setTimeout(() => {
      this.#fail(new SupportError('worker-start', `a mining worker did not start within ${setup.startTimeoutMs / 1000} s`));
    }, setup.startTimeoutMs);
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault(); // the failure is reported to the caller, not to the console
      this.#fail(this.ready
        ? new WorkerFailure(`a mining worker crashed${event.message ? `: ${event.message}` : ''}`)
        : new SupportError(
          'worker-start',
          `the mining worker script could not be started${event.message ? `: ${event.message}` : ''} (module workers need Chromium 80+, Firefox 114+ or Safari 15+)`,
        ));
    };
    worker.onmessageerror = () => this.#fail(new WorkerFailure('a mining worker could not read a message'));
    setup.module.then(
      (module) => {
        if (this.gone) return;
        try {
          worker.postMessage({ type: 'init', build: setup.build, module } satisfies ToWorker);
        } catch {
          worker.postMessage({ type: 'init', build: setup.build, module: setup.bytes } satisfies ToWorker);
        }
      },
      (err: unknown) => this.#fail(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Post a message (dropped once the worker is gone). */
  post(m: ToWorker): void {
    if (!this.gone) this.#worker?.postMessage(m);
  }

  /** Terminate the worker; no event is reported after this. */
  terminate(): void {
    this.gone = true;
    clearTimeout(this.#timer);
    this.#worker?.terminate();
  }

  #receive(m: FromWorker): void {
    if (this.gone) return;
    if (!this.ready) {
      if (m.type === 'ready') {
        this.ready = true;
        clearTimeout(this.#timer);
        this.#events.onReady();
      } else if (m.type === 'error') {
        this.#fail(m.name === 'CompileError' || /Content.Security/i.test(m.message)
          ? new SupportError('csp', `a worker could not instantiate the kernel: ${m.message}`)
          : new WorkerFailure(`a mining worker failed to start: ${m.message}`));
      }
      return;
    }
    if (m.type === 'error') this.#fail(new WorkerFailure(`a mining worker failed: ${m.message}`));
    else this.#events.onMessage(m);
  }

  #fail(err: Error): void {
    if (this.gone) return;
    this.terminate();
    this.#events.onFailure(err);
  }
}
