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
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assetFromBytes,
  assetFromFile,
  bundleFont,
  escapeHtml,
  packageDir,
  pageCsp,
  pageRoute,
  type StaticAsset,
} from '../static-assets.ts';

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

export type ExplorerHandler = ReturnType<typeof pageRoute>;

export const EXPLORER_PATH = '/explorer';
export const EXPLORER_ASSETS_PATH = `${EXPLORER_PATH}/assets/`;
export const DEFAULT_EXPLORER_TITLE = 'coopstat — GraphQL explorer';

const FONT_SUBSETS = ['vietnamese', 'latin-ext', 'latin'] as const;
/** GraphiQL sets its font variables on these elements; the same selectors, once more specific. */
const FONT_VARIABLES = `:root :is(.graphiql-container, .CodeMirror-info, .CodeMirror-lint-tooltip,
  .graphiql-dialog, .graphiql-dialog-overlay, .graphiql-tooltip, [data-radix-popper-content-wrapper]) {
  --font-family: 'Be Vietnam Pro', sans-serif;
  --font-family-mono: 'Noto Sans Mono', monospace;
}
`;

type Asset = StaticAsset;

interface AssetSet {
  readonly byName: ReadonlyMap<string, Asset>;
  readonly fontCss: Asset;
  readonly react: Asset;
  readonly reactDom: Asset;
  readonly graphiql: Asset;
  readonly graphiqlCss: Asset;
  readonly client: Asset;
  readonly clientCss: Asset;
}

let assetSet: AssetSet | undefined;

/** Reads the explorer's files once per process (about 1.5 MB) and names them by content hash. */
function loadAssets(): AssetSet {
  if (assetSet) return assetSet;
  const here = dirname(fileURLToPath(import.meta.url));
  const make = (base: string, ext: 'js' | 'css', file: string) => assetFromFile(base, ext, file);

  // GraphiQL's own Roboto and Fira Code lack Vietnamese letters (the browser then stacks loose
  // combining marks: "Sô´"); these two draw them. The rules override GraphiQL's font variables.
  const sans = bundleFont(
    '@fontsource/be-vietnam-pro',
    [400, 600],
    FONT_SUBSETS,
    EXPLORER_ASSETS_PATH,
  );
  const mono = bundleFont('@fontsource/noto-sans-mono', [400], FONT_SUBSETS, EXPLORER_ASSETS_PATH);
  const fontCss = assetFromBytes(
    'fonts',
    'css',
    Buffer.from(`${sans.css}\n${mono.css}\n${FONT_VARIABLES}`, 'utf8'),
  );

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

  const all = [react, reactDom, graphiql, graphiqlCss, client, clientCss, fontCss];
  all.push(...sans.files, ...mono.files);
  assetSet = {
    byName: new Map(all.map((asset) => [asset.name, asset])),
    fontCss,
    react,
    reactDom,
    graphiql,
    graphiqlCss,
    client,
    clientCss,
  };
  return assetSet;
}

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
    <link rel="stylesheet" href="${href(assets.fontCss)}" />
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

  const csp = (nonce: string) =>
    pageCsp({
      'style-src': `'self' 'nonce-${nonce}'`,
      // GraphiQL's stylesheet embeds its Roboto and Fira Code fonts and icons as data: URLs.
      'font-src': "'self' data:",
      'img-src': "'self' data:",
      'connect-src': connectSrc,
    });

  return pageRoute({
    isPage: (pathname) => pathname === EXPLORER_PATH || pathname === `${EXPLORER_PATH}/`,
    owns: (pathname) => pathname === EXPLORER_PATH || pathname.startsWith(`${EXPLORER_PATH}/`),
    assetsPath: EXPLORER_ASSETS_PATH,
    assets: assets.byName,
    page: () => {
      const nonce = randomBytes(16).toString('base64');
      return { html: page(nonce), csp: csp(nonce) };
    },
  });
}
