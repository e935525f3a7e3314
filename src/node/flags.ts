/**
 * Reading a command line's flags against a list of the flags a command takes,
 * with every mistake said in this project's words: the flag exactly as typed
 * and what it expects. (node:util's parseArgs is not used: its messages, such
 * as "argument missing" or "Option '--x <value>' argument is ambiguous", name
 * the flag in its own notation and change between Node versions.)
 */

/** A command-line mistake; the CLI prints its message and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One flag a command takes. */
export interface FlagSpec {
  /** The long name, without the dashes: `threads` for `--threads`. */
  name: string;
  /** A switch stands alone (`--quiet`); a value flag takes one (`--threads 4`, `--threads=4`). */
  kind: 'switch' | 'value';
  /** One-letter form of a switch (`q` for `-q`); several may be grouped (`-qV`). */
  short?: string;
  /** What a value flag's value must be, as messages say it: "a whole number of threads from 1 to 1024". */
  form?: string;
}

/** A flag the command line gave: its value (`true` for a switch) and the flag as the user typed it. */
export interface GivenFlag {
  value: string | true;
  /** `--threads`, `--workers` or `-q`: what error messages about this flag name. */
  typed: string;
}

/** What {@link readFlags} found: the given flags by long name (the last one given wins), and the other arguments. */
export interface ReadFlags {
  flags: Map<string, GivenFlag>;
  positionals: string[];
}

/** Options of {@link readFlags}. */
export interface ReadOptions {
  /** Whether the command takes arguments that are not flags (`merge`'s status files). */
  positionals?: boolean;
  /** A hint for an argument the command does not take (what it may have been meant as), or ''. */
  stray?: (arg: string) => string;
}

/** Lower-cased Damerau-Levenshtein distance (adjacent swaps count once): how far a typo is from a name. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

/**
 * The name among `names` that `typed` most likely meant, or undefined when
 * none is close: the only name `typed` begins (`thread` for `threads`), else
 * the nearest within one edit for short words and two for longer ones.
 */
export function closest(typed: string, names: readonly string[]): string | undefined {
  if (typed === '') return undefined;
  const lower = typed.toLowerCase();
  const begun = names.filter((n) => n.toLowerCase().startsWith(lower));
  if (begun.length === 1) return begun[0];
  if (begun.length > 1) return undefined; // `--s`: --start, --shard or --status-file; guessing would mislead
  const limit = typed.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

const show = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * Read `argv` against `specs`. A value flag takes the next argument unless
 * there is none or it is another option (an argument starting with `-` that
 * is not a negative number, so `--threads -1` is a bad thread count, not a
 * missing one); `--flag=VALUE` gives any value. `--` ends the flags.
 * @throws UsageError naming the flag as typed: unknown (with the flag meant,
 * when one is close), a value missing, a switch given a value, a stray argument.
 */
export function readFlags(argv: readonly string[], specs: readonly FlagSpec[], options: ReadOptions = {}): ReadFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const flags = new Map<string, GivenFlag>();
  const positionals: string[] = [];

  const unknown = (typed: string, guess: string | undefined): UsageError =>
    new UsageError(`unknown option ${typed}${guess === undefined ? '' : ` (did you mean --${guess}?)`}`);
  const missing = (spec: FlagSpec, typed: string, next: string | undefined): UsageError => {
    const hint = next !== undefined && !isKnownOption(next) ? ` (for a value that starts with -, write ${typed}=${next})` : '';
    return new UsageError(`${typed} needs a value: ${spec.form ?? 'a value'}${hint}`);
  };
  const switchGiven = (typed: string, value: string): UsageError => new UsageError(`${typed} is a switch and takes no value, got ${show(value)} (write ${typed} alone)`);
  const isKnownOption = (arg: string): boolean => {
    if (arg === '--') return true;
    if (arg.startsWith('--')) return byName.has(arg.slice(2).split('=')[0]!);
    return arg.length > 1 && [...arg.slice(1)].every((c) => byShort.has(c));
  };
  const looksLikeOption = (arg: string): boolean => arg.startsWith('-') && arg !== '-' && !/^-[0-9.]/.test(arg);

  const positional = (arg: string): void => {
    if (!options.positionals) throw new UsageError(`unexpected argument ${show(arg)}${options.stray?.(arg) ?? ''}`);
    positionals.push(arg);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      argv.slice(i + 1).forEach(positional);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const typed = `--${name}`;
      const spec = byName.get(name);
      if (!spec) throw unknown(typed, closest(name, [...byName.keys()]));
      if (spec.kind === 'switch') {
        if (eq >= 0) throw switchGiven(typed, arg.slice(eq + 1));
        flags.set(name, { value: true, typed });
        continue;
      }
      const value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (eq < 0) {
        if (value === undefined || looksLikeOption(value)) throw missing(spec, typed, value);
        i++;
      }
      if (value === '') throw missing(spec, typed, undefined);
      flags.set(name, { value: value!, typed });
      continue;
    }
    if (looksLikeOption(arg)) {
      // One or more one-letter switches: -q, -qV. `-q=yes` gives a switch a value.
      const [letters, given] = arg.slice(1).split(/=(.*)/s, 2) as [string, string | undefined];
      if (letters === '') throw unknown(arg, undefined);
      for (const letter of letters) {
        const spec = byShort.get(letter);
        if (!spec) throw unknown(`-${letter}`, closest(letter, [...byName.keys()]));
        flags.set(spec.name, { value: true, typed: `-${letter}` });
      }
      if (given !== undefined) throw switchGiven(`-${letters.slice(-1)}`, given);
      continue;
    }
    positional(arg);
  }
  return { flags, positionals };
}
