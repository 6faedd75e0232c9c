import * as path from 'node:path';

/**
 * Walks command-line arguments: calls `handle` with each argument and a
 * function that takes the next one as its value (with a clear error when
 * there is none).
 */
export function eachArgument(argv: readonly string[], handle: (arg: string, value: () => string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    handle(arg, () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    });
  }
}

/** Parses a flag's value as a positive whole number. */
export function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number, got "${text}"`);
  return value;
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
