/**
 * Downloads a file over http or https into a local path, verified by SHA-256.
 *
 * The body is streamed into a temporary file next to the destination while it
 * is hashed; only when the response is complete and its size and digest are
 * right is the temporary file renamed over the destination. On any failure the
 * temporary file is removed, so the destination is either untouched (an
 * existing file survives a failed re-download) or holds the verified bytes.
 * Ctrl-C or SIGTERM during a download removes it too (and the process then
 * ends by that signal); what a SIGKILL leaves is removed by the next download
 * to the same destination. A download is bounded in time (an overall deadline
 * besides the stall timeout) and in size (the expected size, else maxBytes).
 * User names and passwords in URLs never appear in errors.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as nodePath from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { removeStaleSiblings, temporarySibling } from '../base/atomic-write';
import { DataFileError, describeFsError } from '../base/errors';
import { formatBytes } from '../base/read-file';
import { removedOnInterrupt } from '../base/signal-cleanup';
import { isSha256Hex, sha256File } from './checksum';

/** Default for {@link DownloadOptions.timeoutMs}: 60 seconds. */
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;
/** Default for {@link DownloadOptions.deadlineMs}: 10 minutes (MNIST-sized files take seconds). */
const DEFAULT_DEADLINE_MS = 10 * 60_000;
/** Default for {@link DownloadOptions.maxBytes}: 100 MiB, beyond any IDX dataset here. */
const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Default for {@link DownloadOptions.maxRedirects}. */
const DEFAULT_MAX_REDIRECTS = 5;

/** Called as data arrives: bytes received so far and the announced total, if any. */
export type ProgressCallback = (received: number, total: number | undefined) => void;

/** What to download, where to, and how to verify it. */
export interface DownloadOptions {
  /** http: or https: URL. */
  url: string;
  /** Destination file path; its directory is created when missing. */
  dest: string;
  /** Expected SHA-256 of the file, 64 hex digits. Required. */
  sha256: string;
  /**
   * Expected size in bytes, when known: a response of another length is
   * rejected early, and the body is cut off as soon as it is longer.
   */
  size?: number;
  /**
   * Without `size`: the most bytes accepted (default 100 MiB). A larger
   * announced length is refused before the body is read, and a body that
   * passes it is cut off at once; nothing beyond it is written.
   */
  maxBytes?: number;
  /**
   * Longest wait, in milliseconds, for any progress: connecting, the response
   * headers, or the next piece of the body. Default 60 s.
   */
  timeoutMs?: number;
  /**
   * Longest time, in milliseconds, for the whole download however steadily
   * data arrives (a server trickling one byte at a time never stalls).
   * Default 10 minutes.
   */
  deadlineMs?: number;
  /** Redirects to follow before giving up. Default 5. */
  maxRedirects?: number;
  onProgress?: ProgressCallback;
}

/** Outcome of {@link downloadFile}. */
export interface DownloadResult {
  /** The destination path. */
  path: string;
  /** False when a file with the right checksum was already there. */
  downloaded: boolean;
  /** Size of the verified file. */
  bytes: number;
}



/**
 * `text` (a URL, or a message holding URLs) with the user name and password of
 * every URL replaced by `***`: `https://***@host/path`.
 */
function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi, '$1***@');
}

/** The same error with any credentials taken out of its file and problem. */
function withoutCredentials(error: unknown): unknown {
  if (!(error instanceof DataFileError)) return error;
  const file = redactCredentials(error.file);
  const problem = redactCredentials(error.problem);
  if (file === error.file && problem === error.problem) return error;
  return new DataFileError(file, problem, { cause: error.cause });
}

/** The digest of the file at `dest`, or undefined when there is none; anything but a regular file is refused by name. */
async function existingDigest(dest: string): Promise<{ digest: string; bytes: number } | undefined> {
  let stat;
  try {
    stat = await fsp.stat(dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(dest, `cannot check the existing file: ${describeFsError(error)}`, { cause: error });
  }
  return { digest: await sha256File(dest), bytes: stat.size };
}

/**
 * Two timers for the whole transfer: one restarted whenever something
 * happens (a stall), one never restarted (the deadline). When either fires it
 * destroys the current request, and `fired` tells the error handling which
 * was the real cause.
 */
class Watchdog {
  fired: 'stall' | 'deadline' | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly deadlineTimer: NodeJS.Timeout;
  private request: http.ClientRequest | undefined;

  constructor(
    private readonly stallMs: number,
    deadlineMs: number,
  ) {
    this.deadlineTimer = setTimeout(() => this.fire('deadline'), deadlineMs);
  }

  watch(request: http.ClientRequest): void {
    this.request = request;
    if (this.fired) request.destroy(new Error('deadline passed'));
    this.kick();
  }

  kick(): void {
    if (this.fired) return;
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.fire('stall'), this.stallMs);
  }

  private fire(cause: 'stall' | 'deadline'): void {
    if (this.fired) return;
    this.fired = cause;
    this.request?.destroy(new Error(cause === 'stall' ? 'stalled' : 'deadline passed'));
  }

  stop(): void {
    clearTimeout(this.stallTimer);
    clearTimeout(this.deadlineTimer);
  }
}

function parseUrl(text: string, base?: URL): URL | undefined {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Sends one GET and resolves with the response headers (or rejects on a request error). */
function get(url: URL, watchdog: Watchdog): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    // agent: false gives each download its own connection, closed afterwards,
    // so nothing is left open to keep the process alive.
    const request = client.get(
      url,
      { agent: false, headers: { 'user-agent': 'mnist-ts', 'accept-encoding': 'identity' } },
      (response) => {
        watchdog.kick();
        resolve(response);
      },
    );
    request.on('error', reject);
    watchdog.watch(request);
  });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** GETs `url`, following redirects, and resolves with a 200 response. */
async function openResponse(
  url: string,
  maxRedirects: number,
  watchdog: Watchdog,
): Promise<http.IncomingMessage> {
  let current = parseUrl(url);
  if (!current) throw new DataFileError(url, 'not a valid http or https URL');
  for (let redirects = 0; ; redirects++) {
    const response = await get(current, watchdog);
    const status = response.statusCode ?? 0;
    const via = current.href === url ? '' : ` (from ${current.href})`;
    if (REDIRECT_STATUSES.has(status) && response.headers.location) {
      response.destroy();
      if (redirects >= maxRedirects) {
        throw new DataFileError(url, `too many redirects (more than ${maxRedirects})`);
      }
      const next = parseUrl(response.headers.location, current);
      if (!next) {
        throw new DataFileError(url, `redirect to an unsupported URL: ${response.headers.location}${via}`);
      }
      current = next;
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw new DataFileError(url, `HTTP ${status}${response.statusMessage ? ' ' + response.statusMessage : ''}${via}`);
    }
    return response;
  }
}

/** Writes all of `chunk` at the handle's current position. */
async function writeAll(fh: fsp.FileHandle, chunk: Uint8Array): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, done, chunk.length - done);
    done += bytesWritten;
  }
}

/** The limits of one download, checked by downloadFile. */
interface Limits {
  timeoutMs: number;
  deadlineMs: number;
  maxBytes: number;
}

/** Streams `url` into `temp` (created exclusively), hashing as it goes. */
async function fetchToFile(
  options: DownloadOptions,
  temp: string,
  limits: Limits,
): Promise<{ bytes: number; digest: string }> {
  const { url, dest } = options;

  // The temporary file is created before the request, so that once the
  // response arrives the body is piped at once, with no I/O in between:
  // otherwise a body that arrives together with an early close could be
  // discarded unread, and the error would under-report what arrived.
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(temp, 'wx');
  } catch (error) {
    throw new DataFileError(dest, `cannot create a temporary file: ${describeFsError(error)}`, { cause: error });
  }

  const watchdog = new Watchdog(limits.timeoutMs, limits.deadlineMs);
  let received = 0;
  let total: number | undefined;
  const progress = () => (total === undefined ? `${received} bytes` : `${received} of ${total} bytes`);
  try {
    const response = await openResponse(url, options.maxRedirects ?? DEFAULT_MAX_REDIRECTS, watchdog);
    const announced = Number(response.headers['content-length']);
    total = response.headers['content-length'] !== undefined && Number.isSafeInteger(announced) ? announced : undefined;
    if (options.size !== undefined && total !== undefined && total !== options.size) {
      response.destroy();
      throw new DataFileError(url, `size mismatch: the server announces ${total} bytes, expected ${options.size}`);
    }
    const tooLarge = `too large: more than the ${limits.maxBytes} bytes (${formatBytes(limits.maxBytes)}) of maxBytes`;
    if (options.size === undefined && total !== undefined && total > limits.maxBytes) {
      response.destroy();
      throw new DataFileError(url, `${tooLarge}: the server announces ${total} bytes`);
    }
    const expectedLength = options.size ?? total;

    const hash = createHash('sha256');
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        watchdog.kick();
        received += chunk.length;
        if (expectedLength !== undefined && received > expectedLength) {
          callback(new DataFileError(url, `response is longer than the ${expectedLength} bytes expected`));
          return;
        }
        if (received > limits.maxBytes && options.size === undefined) {
          callback(new DataFileError(url, `${tooLarge}: the response went on past them`));
          return;
        }
        hash.update(chunk);
        options.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    // A sink of our own, so a local write failure can be told apart from a
    // network failure when the pipeline rejects.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        writeAll(fh, chunk).then(
          () => callback(),
          (error: unknown) => {
            const wrapped = new DataFileError(dest, `cannot write the download: ${describeFsError(error)}`, {
              cause: error,
            });
            callback(wrapped);
          },
        );
      },
    });
    await pipeline(response, meter, sink);
    if (!response.complete || (total !== undefined && received !== total)) {
      throw new DataFileError(url, `connection closed after ${progress()}`);
    }
    if (options.size !== undefined && received !== options.size) {
      throw new DataFileError(url, `size mismatch: received ${received} bytes, expected ${options.size}`);
    }
    await fh.sync();
    return { bytes: received, digest: hash.digest('hex') };
  } catch (error) {
    if (watchdog.fired === 'deadline') {
      throw new DataFileError(url, `not finished within the deadline of ${limits.deadlineMs} ms (after ${progress()})`, { cause: error });
    }
    if (watchdog.fired === 'stall') {
      const during = received > 0 || total !== undefined ? ` with no data (after ${progress()})` : ' waiting for a response';
      throw new DataFileError(url, `timed out after ${limits.timeoutMs} ms${during}`, { cause: error });
    }
    if (error instanceof DataFileError) throw error;
    const where = total !== undefined || received > 0 ? `connection closed after ${progress()}` : 'request failed';
    throw new DataFileError(url, `${where}: ${describeFsError(error)}`, { cause: error });
  } finally {
    watchdog.stop();
    await fh.close().catch(() => undefined);
  }
}

/** A positive number from an option, or its default; a RangeError naming the option otherwise. */
function positive(value: number | undefined, fallback: number, name: string, unit: string): number {
  const chosen = value ?? fallback;
  if (!(chosen > 0) || !Number.isFinite(chosen)) throw new RangeError(`${name} must be a positive number of ${unit}, got ${chosen}`);
  return chosen;
}

/**
 * Downloads `url` to `dest` and verifies its SHA-256. When `dest` already
 * holds a file with that digest (hashed now, not remembered), nothing is
 * downloaded; when it holds something other than a regular file, that is
 * refused by name. Otherwise the new file replaces `dest` only after it is
 * complete and verified; on failure, or on SIGINT/SIGTERM, `dest` is left as
 * it was and no temporary file remains (temporary files that killed
 * downloads left beside `dest` are removed first). The download ends with an
 * error once it passes `deadlineMs` or `maxBytes`. Errors are DataFileErrors
 * naming the URL (network and verification problems), with any user name and
 * password shown as `***`, or the destination (local file problems).
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  try {
    return await download(options);
  } catch (error) {
    throw withoutCredentials(error);
  }
}

async function download(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest } = options;
  if (typeof options.sha256 !== 'string' || !isSha256Hex(options.sha256)) {
    throw new DataFileError(url, `the expected SHA-256 must be 64 hex digits, got ${JSON.stringify(options.sha256)}`);
  }
  const expected = options.sha256.toLowerCase();
  const limits: Limits = {
    timeoutMs: positive(options.timeoutMs, DEFAULT_DOWNLOAD_TIMEOUT_MS, 'timeoutMs', 'milliseconds'),
    deadlineMs: positive(options.deadlineMs, DEFAULT_DEADLINE_MS, 'deadlineMs', 'milliseconds'),
    maxBytes: positive(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes', 'bytes'),
  };

  const existing = await existingDigest(dest);
  if (existing?.digest === expected) return { path: dest, downloaded: false, bytes: existing.bytes };

  try {
    await fsp.mkdir(nodePath.dirname(dest), { recursive: true });
  } catch (error) {
    throw new DataFileError(dest, `cannot create the directory: ${describeFsError(error)}`, { cause: error });
  }
  await removeStaleSiblings(dest, 'download');

  const temp = temporarySibling(dest, 'download');
  return removedOnInterrupt(temp, async () => {
    try {
      const { bytes, digest } = await fetchToFile(options, temp, limits);
      if (digest !== expected) {
        throw new DataFileError(url, `checksum mismatch: expected SHA-256 ${expected}, got ${digest}`);
      }
      try {
        await fsp.rename(temp, dest);
      } catch (error) {
        throw new DataFileError(dest, `cannot move the download into place: ${describeFsError(error)}`, { cause: error });
      }
      return { path: dest, downloaded: true, bytes };
    } catch (error) {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  });
}
