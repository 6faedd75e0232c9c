import * as path from 'node:path';

/**
 * A mistake in how a command was called (an unknown option, a missing value,
 * no files): the tools print it with their usage and exit with code 2.
 */
export class UsageError extends Error {}

/**
 * Walks command-line arguments: calls `handle` with each argument and a
 * function that takes the next one as its value (a UsageError when there is
 * none). Everything after `--` is an operand, even when it starts with `-`:
 * it goes to `operand`, and is a UsageError for a command that takes none.
 */
export function eachArgument(
  argv: readonly string[],
  handle: (arg: string, value: () => string) => void,
  operand?: (arg: string) => void,
): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) {
        if (!operand) throw new UsageError(`unexpected argument ${rest}`);
        operand(rest);
      }
      return;
    }
    handle(arg, () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    });
  }
}

/** Parses a flag's value as a positive whole number. */
export function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${flag} needs a positive whole number, got "${text}"`);
  return value;
}

/** Runs `parse` on a flag's value; its error becomes a UsageError with the same message. */
export function parseValue<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The folder the user typed the command in. npm runs a script in the
 * project's folder and says in INIT_CWD where it was started, so
 * `cd data/samples && npm run predict -- digit-3.png` finds the file. INIT_CWD
 * is trusted only while the working folder is still the one npm ran the
 * script in (a process started elsewhere inherits INIT_CWD but not that).
 */
export function invocationDir(): string {
  const { INIT_CWD: initCwd, npm_package_json: packageJson } = process.env;
  if (initCwd && packageJson && path.dirname(packageJson) === process.cwd()) return initCwd;
  return process.cwd();
}

/** A path the user gave on the command line, made absolute against the folder the command was typed in. */
export function userPath(given: string): string {
  return path.resolve(invocationDir(), given);
}

/**
 * Ends a tool after an error: one line (no stack trace), then for a usage
 * error the usage (when given) and exit code 2; any other error exits with 1.
 */
export function exitWithError(error: unknown, usageText?: () => string): never {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof UsageError)) process.exit(1);
  if (usageText) console.error(usageText());
  process.exit(2);
}

/**
 * The command as the user typed it, for usage lines: `npm start --`,
 * `npm run bench --` when npm ran the script, else `node <script>`.
 */
export function commandName(npmScript: string): string {
  if (process.env.npm_lifecycle_event === npmScript) return npmScript === 'start' ? 'npm start --' : `npm run ${npmScript} --`;
  const script = process.argv[1] ?? npmScript;
  const relative = path.relative(process.cwd(), script);
  return `node ${relative.startsWith('..') ? script : relative}`;
}

/** A usage block: the command line, then one line per flag. */
export function usage(npmScript: string, synopsis: string, flags: readonly (readonly [string, string])[]): string {
  const width = Math.max(...flags.map(([flag]) => flag.length));
  return [`usage: ${commandName(npmScript)} ${synopsis}`, '', ...flags.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)].join('\n');
}
