import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/** URL prefix the dashboard is served under. */
export const UI_PREFIX = '/ui';

/**
 * The dashboard talks only to its own origin and runs only its own bundled script: no inline
 * script, no eval, no third-party host, never framed (clickjacking).
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);
/** Below this size compression costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024;

/** One file, read once at start-up; its compressed forms come from the build or on first use. */
interface Asset {
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
  readonly identity: Buffer;
  readonly compressible: boolean;
  gzip: Buffer | null;
  br: Buffer | null;
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

function readIfPresent(path: string): Buffer | null {
  return existsSync(path) ? readFileSync(path) : null;
}

function loadAsset(path: string, immutable: boolean): Asset {
  const ext = extname(path);
  const identity = readFileSync(path);
  const compressible = COMPRESSIBLE.has(ext) && identity.length >= MIN_COMPRESS_BYTES;
  return {
    type: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
    // Vite puts a content hash in every name under assets/, so those never change; anything else
    // (index.html above all) is revalidated on every load, so a new build is picked up at once.
    cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    identity,
    compressible,
    // The build writes brotli-11 and gzip-9 copies beside each file (vite.config.ts).
    br: compressible ? readIfPresent(`${path}.br`) : null,
    gzip: compressible ? readIfPresent(`${path}.gz`) : null,
  };
}

/**
 * The body of `asset` in `encoding`. A build without precompressed copies gets them made on first
 * use, at levels that take tens of milliseconds (brotli 11 takes seconds on a large bundle), and kept.
 */
function encoded(asset: Asset, encoding: 'br' | 'gzip'): Buffer {
  if (encoding === 'br') {
    asset.br ??= brotliCompressSync(asset.identity, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 5 },
    });
    return asset.br;
  }
  asset.gzip ??= gzipSync(asset.identity, { level: 6 });
  return asset.gzip;
}

/** Where `npm run build` puts the dashboard: `packages/dashboard/dist`, found via the package. */
export function defaultUiDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@llmtrace/dashboard/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    // The dashboard package is not installed (a proxy-only install): /ui explains instead.
    return undefined;
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer) {
  res.writeHead(status, {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': UI_CSP,
    ...headers,
  });
  res.end(body);
}

function pickEncoding(accept: string | undefined, asset: Asset): 'br' | 'gzip' | null {
  if (accept === undefined || !asset.compressible) return null;
  // Good enough for browsers, which always list these tokens plainly (q-values are not used to
  // refuse an encoding in practice).
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return null;
}

/**
 * Serves the built dashboard under `/ui`. Every file is read once at start-up and served from
 * memory, brotli- or gzip-encoded (the build's precompressed copies, else compressed once on first
 * use); hashed assets are cached forever, `index.html` is revalidated, any other path under `/ui/`
 * that is not a file gets `index.html` (client-side routes), and every answer carries the CSP.
 * Without a build, `/ui` says how to make one.
 */
export function createUiHandler(
  dir: string | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  const assets = new Map<string, Asset>();
  if (dir !== undefined && existsSync(join(dir, 'index.html')) && statSync(dir).isDirectory()) {
    for (const file of listFiles(dir)) {
      // Precompressed copies are read with the file they belong to, not served under their own name.
      if (file.endsWith('.br') || file.endsWith('.gz')) continue;
      const path = relative(dir, file).split(sep).join('/');
      assets.set(`${UI_PREFIX}/${path}`, loadAsset(file, path.startsWith('assets/')));
    }
  }
  const index = assets.get(`${UI_PREFIX}/index.html`);

  return (req, res) => {
    const url = req.url ?? UI_PREFIX;
    const path = url.split('?')[0] ?? UI_PREFIX;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        res,
        405,
        { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
        Buffer.from('method not allowed\n'),
      );
      return;
    }
    if (index === undefined) {
      send(
        res,
        503,
        { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        Buffer.from(
          'The dashboard is not built. Run `npm run build` (or `npm start`), then reload.\n',
        ),
      );
      return;
    }
    if (path === UI_PREFIX) {
      send(res, 308, { location: `${UI_PREFIX}/${url.slice(UI_PREFIX.length)}` });
      return;
    }
    let asset = assets.get(path);
    if (asset === undefined) {
      // A missing hashed asset is an old build's file: 404, never HTML where a script is expected.
      if (path.startsWith(`${UI_PREFIX}/assets/`)) {
        send(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('not found\n'));
        return;
      }
      asset = index;
    }
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': asset.cacheControl,
      etag: asset.etag,
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === asset.etag) {
      send(res, 304, headers);
      return;
    }
    const encoding = pickEncoding(req.headers['accept-encoding'], asset);
    const body = encoding === null ? asset.identity : encoded(asset, encoding);
    if (encoding !== null) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.length);
    send(res, 200, headers, req.method === 'HEAD' ? undefined : body);
  };
}
