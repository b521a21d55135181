/**
 * Static files for the pages the server renders itself (the dashboard at `/`, the explorer at
 * `/explorer`): read once from node_modules or the page's own folder, named by content hash so
 * they can be cached `immutable`, and gzip-compressed on request when they are text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file held in memory, named `<base>.<hash>.<ext>`. */
export interface StaticAsset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
  /** Text is sent gzip-compressed to clients that accept it; fonts are compressed already. */
  readonly compressible: boolean;
  gzipped?: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  woff2: 'font/woff2',
};

const ASSET_CACHE_CONTROL = 'public, max-age=86400, immutable';
/** The CSP of an asset response: it is never a document, so it may load nothing. */
export const ASSET_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The folder of an installed package (its UMD builds are often outside its `exports`). */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${name}/package.json`));
}

/** An asset from bytes; source-map references are dropped from text (the maps are not served). */
export function assetFromBytes(
  base: string,
  ext: 'js' | 'css' | 'woff2',
  bytes: Buffer,
): StaticAsset {
  let body = bytes;
  if (ext !== 'woff2') {
    const text = bytes
      .toString('utf8')
      .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
      .replace(/\n\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n');
    body = Buffer.from(text, 'utf8');
  }
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    name: `${base}.${hash}.${ext}`,
    type: TYPES[ext]!,
    body,
    etag: `"${hash}"`,
    compressible: ext !== 'woff2',
  };
}

/** An asset read from a file. */
export function assetFromFile(
  base: string,
  ext: 'js' | 'css' | 'woff2',
  file: string,
): StaticAsset {
  return assetFromBytes(base, ext, readFileSync(file));
}

/** A font family bundled from a `@fontsource/*` package: its files and its `@font-face` rules. */
export interface BundledFont {
  readonly files: readonly StaticAsset[];
  /** `@font-face` rules pointing at `${assetsPath}<file name>`. */
  readonly css: string;
}

/**
 * Reads the `@font-face` rules of a fontsource package for some weights and subsets (e.g.
 * `vietnamese`, `latin-ext`, `latin`), keeping each rule's `unicode-range` so the browser
 * fetches only the subsets a page's text needs, and points them at hashed woff2 assets.
 */
export function bundleFont(
  pkg: string,
  weights: readonly number[],
  subsets: readonly string[],
  assetsPath: string,
): BundledFont {
  const dir = packageDir(pkg);
  const files: StaticAsset[] = [];
  const rules: string[] = [];
  for (const weight of weights) {
    const css = readFileSync(join(dir, `${weight}.css`), 'utf8');
    for (const rule of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
      const woff2 = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(rule)?.[1];
      if (!woff2) continue;
      const subset = subsets.find((s) => woff2.endsWith(`-${s}-${weight}-normal.woff2`));
      if (!subset) continue;
      const asset = assetFromFile(basename(woff2, '.woff2'), 'woff2', join(dir, 'files', woff2));
      files.push(asset);
      rules.push(
        rule.replace(/src:[^;]+;/, `src: url(${assetsPath}${asset.name}) format('woff2');`),
      );
    }
  }
  if (files.length === 0) throw new Error(`no font files of ${pkg} for ${weights} ${subsets}`);
  return { files, css: rules.join('\n') };
}

/** Answers a GET/HEAD for an asset: ETag, `immutable` caching, gzip when accepted. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: StaticAsset): void {
  res.setHeader('Content-Security-Policy', ASSET_CSP);
  res.setHeader('Content-Type', asset.type);
  res.setHeader('Cache-Control', ASSET_CACHE_CONTROL);
  res.setHeader('ETag', asset.etag);
  if (asset.compressible) res.setHeader('Vary', 'Accept-Encoding');
  if (etagMatches(req.headers['if-none-match'], asset.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  let body = asset.body;
  if (asset.compressible && /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))) {
    body = gzippedBody(asset);
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.statusCode = 200;
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The asset's body gzip-compressed (computed once), or as it is when not compressible. */
export function gzippedBody(asset: StaticAsset): Buffer {
  if (!asset.compressible) return asset.body;
  asset.gzipped ??= gzipSync(asset.body, { level: 9 });
  return asset.gzipped;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/**
 * Sets the headers every answer of a page route carries and refuses methods other than GET and
 * HEAD (405); returns true when it has answered.
 */
export function refuseNonGet(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  res.setHeader('Content-Security-Policy', ASSET_CSP);
  res.setHeader('Allow', 'GET, HEAD');
  sendText(res, 405, 'Method Not Allowed\n');
  return true;
}

/**
 * A page's Content-Security-Policy: scripts from this server only, no base URL, no framing,
 * nothing else unless `sources` allows it (`{ 'style-src': "'self'" }`; a key given replaces
 * the default).
 */
export function pageCsp(sources: Readonly<Record<string, string>>): string {
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': "'self'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    ...sources,
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Answers with an HTML page that is never cached, under its own CSP. */
export function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  html: string,
  csp: string,
): void {
  const body = Buffer.from(html, 'utf8');
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', csp);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers with the asset, or 404 when there is none by that name. */
export function sendAssetOrNotFound(
  req: IncomingMessage,
  res: ServerResponse,
  asset: StaticAsset | undefined,
): void {
  if (asset) return sendAsset(req, res, asset);
  res.setHeader('Content-Security-Policy', ASSET_CSP);
  sendText(res, 404, 'Not Found\n');
}

/** A short plain-text answer that is never cached. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

/** HTML-escapes text for an element or a quoted attribute. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What {@link pageRoute} serves. */
export interface PageRouteOptions {
  /** Whether a path is the page itself. */
  readonly isPage: (pathname: string) => boolean;
  /** Whether a path belongs to this route (the page, its assets, and anything under them). */
  readonly owns: (pathname: string) => boolean;
  /** The path the assets are served under, by name. */
  readonly assetsPath: string;
  readonly assets: ReadonlyMap<string, StaticAsset>;
  /** The page and its CSP, built per response (a CSP nonce may change each time). */
  readonly page: () => { readonly html: string; readonly csp: string };
}

/**
 * A page the server renders itself and its assets (GET and HEAD): returns false for a path it
 * does not own, so the request passes on; 405 for another method, 404 for an unknown asset.
 */
export function pageRoute(
  options: PageRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!options.owns(pathname)) return false;
    if (refuseNonGet(req, res)) return true;
    if (options.isPage(pathname)) {
      const { html, csp } = options.page();
      sendPage(req, res, html, csp);
    } else {
      const asset = pathname.startsWith(options.assetsPath)
        ? options.assets.get(pathname.slice(options.assetsPath.length))
        : undefined;
      sendAssetOrNotFound(req, res, asset);
    }
    return true;
  };
}
