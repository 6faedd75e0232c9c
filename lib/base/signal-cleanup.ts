/**
 * Removing temporary files when the process is interrupted (Ctrl-C, SIGTERM)
 * while they are being written. The handlers exist only while at least one
 * such file does; after removing the files they step aside and raise the
 * signal again, so the process still ends as the user asked (killed by that
 * signal), unless the program has handlers of its own for it, which then
 * decide as before.
 */
import { rmSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const pending = new Set<string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const file of pending) rmSync(file, { recursive: true, force: true });
  pending.clear();
  uninstall();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/**
 * Runs `work` with `file` removed if SIGINT or SIGTERM arrives before it
 * ends; the process then ends by that signal. Install before the file is
 * created, so there is no moment it exists unguarded. A SIGKILL cannot be
 * caught: staleSiblings finds what it leaves.
 */
export async function removedOnInterrupt<T>(file: string, work: () => Promise<T>): Promise<T> {
  if (pending.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  pending.add(file);
  try {
    return await work();
  } finally {
    pending.delete(file);
    if (pending.size === 0) uninstall();
  }
}
