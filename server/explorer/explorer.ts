/**
 * An in-browser GraphQL explorer (GraphiQL 3) served entirely from the project's own
 * dependencies: no CDN, no fonts or telemetry from outside, so it works on intranets that cannot
 * reach the internet.
 *
 * Routes (GET and HEAD):
 * - `/explorer` (and `/explorer/`): the HTML page, with a per-response CSP nonce, never cached.
 * - `/explorer/assets/<name>.<hash>.<ext>`: React 18, ReactDOM 18 and GraphiQL UMD builds, the
 *   GraphiQL stylesheet and this module's bootstrap script and stylesheet, read once from
 *   node_modules / this folder and kept in memory. File names carry a content hash, so the assets
 *   are served `immutable`; gzip when the client accepts it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface ExplorerExample {
  /** Shown as a comment on the first line of the example's tab; may be bilingual. */
  name: string;
  query: string;
  variables?: object;
}

export interface ExplorerOptions {
  /** The GraphQL endpoint the page posts to, normally a same-origin path such as `/graphql`. */
  endpoint: string;
  /** Page title and logo text; defaults to "coopstat — GraphQL explorer". */
  title?: string;
  /** Preloaded as GraphiQL tabs, in order; the first one is active. */
  examples: ExplorerExample[];
}

export type ExplorerHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export const EXPLORER_PATH = '/explorer';
export const EXPLORER_ASSETS_PATH = `${EXPLORER_PATH}/assets/`;
export const DEFAULT_EXPLORER_TITLE = 'coopstat — GraphQL explorer';

const ASSET_CACHE_CONTROL = 'public, max-age=86400, immutable';
const ASSET_CSP = "default-src 'none'; frame-ancestors 'none'";

interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
  gzipped?: Buffer;
}

interface AssetSet {
  readonly byName: ReadonlyMap<string, Asset>;
  readonly react: Asset;
  readonly reactDom: Asset;
  readonly graphiql: Asset;
  readonly graphiqlCss: Asset;
  readonly client: Asset;
  readonly clientCss: Asset;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

let assetSet: AssetSet | undefined;

/** Reads the explorer's files once per process (about 1.5 MB) and names them by content hash. */
function loadAssets(): AssetSet {
  if (assetSet) return assetSet;
  const require = createRequire(import.meta.url);
  // The UMD builds are not in these packages' `exports`, so resolve the package root instead.
  const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  const here = dirname(fileURLToPath(import.meta.url));

  const make = (base: string, ext: 'js' | 'css', file: string): Asset => {
    let text = readFileSync(file, 'utf8');
    // Drop source-map references: the maps are not served, and a browser's dev tools would only
    // ask for them and get a 404.
    text = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    text = text.replace(/\n\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n');
    const body = Buffer.from(text, 'utf8');
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return {
      name: `${base}.${hash}.${ext}`,
      type: ext === 'js' ? JS : CSS,
      body,
      etag: `"${hash}"`,
    };
  };

  const react = make('react', 'js', join(packageDir('react'), 'umd/react.production.min.js'));
  const reactDom = make(
    'react-dom',
    'js',
    join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  );
  const graphiqlDir = packageDir('graphiql');
  const graphiql = make('graphiql', 'js', join(graphiqlDir, 'graphiql.min.js'));
  const graphiqlCss = make('graphiql', 'css', join(graphiqlDir, 'graphiql.min.css'));
  const client = make('explorer', 'js', join(here, 'explorer-client.js'));
  const clientCss = make('explorer', 'css', join(here, 'explorer.css'));

  const all = [react, reactDom, graphiql, graphiqlCss, client, clientCss];
  assetSet = {
    byName: new Map(all.map((asset) => [asset.name, asset])),
    react,
    reactDom,
    graphiql,
    graphiqlCss,
    client,
    clientCss,
  };
  return assetSet;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that is safe inside a `<script type="application/json">` element. */
const jsonForScript = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** `connect-src` sources: 'self', plus the endpoint's origin if it is an absolute URL. */
function connectSources(endpoint: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(endpoint)) return "'self'";
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`explorer endpoint must be a path or an http(s) URL, got ${endpoint}`);
  }
  return `'self' ${url.origin}`;
}

export function createExplorerHandler(options: ExplorerOptions): ExplorerHandler {
  const { endpoint, examples } = options;
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new Error('explorer endpoint must be a non-empty string');
  }
  const title = options.title ?? DEFAULT_EXPLORER_TITLE;
  const connectSrc = connectSources(endpoint);
  const assets = loadAssets();

  const config = {
    endpoint,
    title,
    defaultQuery:
      '# Write a query here, then press Ctrl-Enter or the run button.\n\n{\n  __typename\n}\n',
    showVariables: examples.some((example) => example.variables !== undefined),
    tabs: examples.map((example) => ({
      query: `# ${example.name.replace(/\s+/g, ' ').trim()}\n${example.query.trim()}\n`,
      variables:
        example.variables === undefined ? undefined : JSON.stringify(example.variables, null, 2),
    })),
  };
  const configJson = jsonForScript(config);
  const href = (asset: Asset) => `${EXPLORER_ASSETS_PATH}${asset.name}`;

  const page = (nonce: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${href(assets.graphiqlCss)}" />
    <link rel="stylesheet" href="${href(assets.clientCss)}" />
  </head>
  <body>
    <noscript><p class="coopstat-noscript">The GraphQL explorer needs JavaScript.</p></noscript>
    <div id="graphiql"></div>
    <script type="application/json" id="coopstat-explorer-config">${configJson}</script>
    <script src="${href(assets.react)}"></script>
    <script src="${href(assets.reactDom)}"></script>
    <script src="${href(assets.graphiql)}"></script>
    <script src="${href(assets.client)}" nonce="${nonce}"></script>
  </body>
</html>
`;

  const pageCsp = (nonce: string) =>
    [
      "default-src 'none'",
      "script-src 'self'",
      `style-src 'self' 'nonce-${nonce}'`,
      // GraphiQL's stylesheet embeds its Roboto and Fira Code fonts and icons as data: URLs.
      "font-src 'self' data:",
      "img-src 'self' data:",
      `connect-src ${connectSrc}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');

  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const isPage = pathname === EXPLORER_PATH || pathname === `${EXPLORER_PATH}/`;
    if (!isPage && !pathname.startsWith(`${EXPLORER_PATH}/`)) return false;

    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Content-Security-Policy', ASSET_CSP);
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'Method Not Allowed\n');
      return true;
    }

    if (isPage) {
      const nonce = randomBytes(16).toString('base64');
      const body = Buffer.from(page(nonce), 'utf8');
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Length', body.length);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Security-Policy', pageCsp(nonce));
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }

    res.setHeader('Content-Security-Policy', ASSET_CSP);
    const asset = pathname.startsWith(EXPLORER_ASSETS_PATH)
      ? assets.byName.get(pathname.slice(EXPLORER_ASSETS_PATH.length))
      : undefined;
    if (!asset) {
      sendText(res, 404, 'Not Found\n');
      return true;
    }

    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', ASSET_CACHE_CONTROL);
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (etagMatches(req.headers['if-none-match'], asset.etag)) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    let body = asset.body;
    if (/\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))) {
      asset.gzipped ??= gzipSync(asset.body);
      body = asset.gzipped;
      res.setHeader('Content-Encoding', 'gzip');
    }
    res.statusCode = 200;
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}
