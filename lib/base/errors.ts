/**
 * An error about one file: what is wrong with it and which file it is.
 * Every loader in lib throws this (or a subclass) so callers can report
 * `error.file` and `error.problem` separately.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export class DataFileError extends Error {
  /** Path (or URL) of the file the problem was found in. */
  readonly file: string;
  /** What is wrong, in words, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'DataFileError';
    this.file = file;
    this.problem = problem;
  }
}

/** A short reason for a failed file-system or network call: "file not found", "permission denied", or the code and message. */
export function describeFsError(error: unknown): string {
  const e = error as { readonly code?: string } | undefined; // a Node.js ErrnoException
  if (e?.code === 'ENOENT') return 'file not found';
  if (e?.code === 'EISDIR') return 'is a directory, not a file';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  const message = error instanceof Error ? error.message : String(error);
  return e?.code && !message.includes(e.code) ? `${e.code} ${message}` : message;
}
