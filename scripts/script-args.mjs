// Flag parsing for the scripts: node:util's parseArgs in strict mode, so a
// mistyped flag or a flag without its value stops the script instead of being
// ignored; every failure is `<script>: <reason>` and the usage on stderr, exit 1.
import { parseArgs } from 'node:util';

/** A script's fatal error: `<name>: <message>`, then its usage, on stderr; exit 1. */
export function scriptFailure(name, usage) {
  return (message) => {
    console.error(`${name}: ${message}\n${usage}`);
    process.exit(1);
  };
}

/** Parse `process.argv` with `options` and at most `positionals` arguments; an error ends the script through `fail`. */
export function scriptArgs(options, fail, positionals = 0) {
  try {
    const parsed = parseArgs({ options, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) throw new Error(`at most ${positionals} argument(s), got ${parsed.positionals.length}`);
    return parsed;
  } catch (err) {
    // Some parseArgs messages span several lines: keep the reason on one.
    return fail(err.message.replace(/\n/g, ' '));
  }
}
