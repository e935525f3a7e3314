/**
 * `--priority low`: lower the process's scheduling priority before any
 * mining thread starts. On Linux a priority belongs to a thread and new
 * threads inherit their creator's, so it must happen before the worker
 * threads exist; they then all run at the lower priority.
 * @module
 */
import { constants, setPriority } from 'node:os';

/**
 * Lower the calling thread's priority (and so that of every thread it starts
 * afterwards) to the lowest class: nice 19, IDLE_PRIORITY_CLASS on Windows.
 * @returns null once done, or why the OS refused (mining goes on at the normal priority).
 */
export function lowerPriority(set: (priority: number) => void = setPriority): string | null {
  try {
    set(constants.priority.PRIORITY_LOW);
    return null;
  } catch (err) {
    return `--priority low: the system refused to lower the priority (${(err as Error).message}); mining at normal priority`;
  }
}
