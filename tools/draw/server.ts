/**
 * Serves a site (site.ts) over HTTP from memory: GET and HEAD of its files,
 * nothing else, on the loopback address by default, so the page works
 * offline and nothing outside this computer can reach it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Site } from './site';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
};

/** A running server: its address and how to stop it. */
export interface SiteServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Options of serveSite. */
export interface ServeOptions {
  /** The address to listen on; default 127.0.0.1 (this computer only). */
  readonly host?: string;
  /** The port; default 0, a free one the system picks. */
  readonly port?: number;
}

/** The site file a request path names, if any: "/" is index.html; no path leaves the site. */
function fileFor(site: Site, requestUrl: string) {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  const key = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  return site.get(key);
}

/** Starts serving `site`; resolves once it listens (rejects when the port is taken, naming it). */
export function serveSite(site: Site, options: ServeOptions = {}): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
      return;
    }
    const file = fileFor(site, request.url ?? '/');
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file.path)] ?? 'application/octet-stream',
      'Content-Length': file.bytes.byteLength,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : file.bytes);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} on ${host} is already in use: choose another with --port, or 0 for a free one`) : error);
    });
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
