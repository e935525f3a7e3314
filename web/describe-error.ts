/**
 * One line for any error the page shows, in the words of the module that raised it.
 * @module
 */
import { RequestError } from '../src/core/errors.ts';
import { SupportError, VerificationError, WorkerFailure } from '../src/browser/errors.ts';
import { LinkError } from './link.ts';

/** `Bad request: …` for the core's RequestError (the CLI's words), the message for errors the page expects, else `Internal error: …`. */
export function describeError(err: unknown): string {
  if (err instanceof RequestError) return `Bad request: ${err.message}.`;
  const known = [SupportError, LinkError, RangeError, WorkerFailure, VerificationError];
  if (known.some((type) => err instanceof type)) return capitalize((err as Error).message) + '.';
  return `Internal error: ${(err as Error)?.message ?? String(err)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
