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
