/**
 * The progress dashboard at `/`: plans and their targets, a target's chart, provinces as a tile
 * grid and a ranking, in Vietnamese (default) or English. The page is a static shell; its script
 * asks the public GraphQL endpoint for everything it shows, so it shows what analysts get.
 *
 * Everything it loads comes from this server (Apache ECharts and the Be Vietnam Pro font from
 * node_modules, this folder's script and styles), so it works with no internet.
 *
 * Routes (GET and HEAD):
 * - `/` with any query string (`?plan=…&target=…&area=…&year=…&indicator=…&view=…&lang=en`):
 *   the page, never cached.
 * - `/dashboard/assets/<name>.<hash>.<ext>`: the assets, cached `immutable`, gzip when accepted.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assetFromBytes,
  assetFromFile,
  bundleFont,
  escapeHtml,
  gzippedBody,
  packageDir,
  pageCsp,
  pageRoute,
  type StaticAsset,
} from '../static-assets.ts';

export const DASHBOARD_PATH = '/';
export const DASHBOARD_ASSETS_PATH = '/dashboard/assets/';

export interface DashboardOptions {
  /** The GraphQL endpoint the page posts to: a same-origin path such as `/graphql`. */
  readonly endpoint: string;
  /** Where the GraphQL explorer is, linked from the page's header; absent = no link. */
  readonly explorer?: string;
}

export type DashboardHandler = ReturnType<typeof pageRoute>;

interface DashboardAssets {
  readonly byName: ReadonlyMap<string, StaticAsset>;
  /** In the order the page loads them. */
  readonly styles: readonly StaticAsset[];
  readonly scripts: readonly StaticAsset[];
  /** The woff2 files a Vietnamese page needs at once (preloaded). */
  readonly preload: readonly StaticAsset[];
}

let loaded: DashboardAssets | undefined;

/** Reads the page's files once per process (about 0.9 MB; about 0.35 MB as sent gzip-compressed). */
function loadAssets(): DashboardAssets {
  if (loaded) return loaded;
  const here = dirname(fileURLToPath(import.meta.url));
  const font = bundleFont(
    '@fontsource/be-vietnam-pro',
    [400, 600],
    ['vietnamese', 'latin-ext', 'latin'],
    DASHBOARD_ASSETS_PATH,
  );
  const fontCss = assetFromBytes('fonts', 'css', Buffer.from(font.css, 'utf8'));
  const css = assetFromFile('dashboard', 'css', join(here, 'dashboard.css'));
  // ECharts' prebuilt "common" bundle has all this page draws with (line, bar, scatter, grid,
  // legend, tooltip, title, mark lines and areas): 240 KB gzip against 370 KB for the full one.
  const echarts = assetFromFile(
    'echarts',
    'js',
    join(packageDir('echarts'), 'dist/echarts.common.min.js'),
  );
  const tiles = assetFromFile('tile-grid', 'js', join(here, 'tile-grid.js'));
  const client = assetFromFile('dashboard', 'js', join(here, 'dashboard-client.js'));
  const styles = [fontCss, css];
  // The page's own script first: it sends its request before ECharts is parsed (see there).
  const scripts = [tiles, client, echarts];
  const all = [...styles, ...scripts, ...font.files];
  loaded = {
    byName: new Map(all.map((asset) => [asset.name, asset])),
    styles,
    scripts,
    preload: font.files.filter((f) => /-(vietnamese|latin)-400-normal\./.test(f.name)),
  };
  return loaded;
}

/** JSON that is safe inside a `<script type="application/json">` element. */
const jsonForScript = (value: unknown) =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export function createDashboardHandler(options: DashboardOptions): DashboardHandler {
  const { endpoint } = options;
  if (!endpoint.startsWith('/')) {
    throw new Error(`dashboard endpoint must be a same-origin path, got ${endpoint}`);
  }
  const assets = loadAssets();
  // Compress once, off the first request's path (ECharts takes ~0.1 s at level 9).
  setImmediate(() => assets.byName.forEach((asset) => gzippedBody(asset)));
  const href = (asset: StaticAsset) => `${DASHBOARD_ASSETS_PATH}${asset.name}`;
  const config = jsonForScript({ endpoint, explorer: options.explorer ?? null });

  const page = `<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>coopstat — Tiến độ kinh tế tập thể / Collective-economy progress</title>
    <link rel="icon" href="data:," />
${assets.preload.map((f) => `    <link rel="preload" as="font" type="font/woff2" crossorigin href="${href(f)}" />`).join('\n')}
${assets.styles.map((s) => `    <link rel="stylesheet" href="${href(s)}" />`).join('\n')}
  </head>
  <body>
    <header id="header"><h1>${escapeHtml('Tiến độ phát triển kinh tế tập thể so với mục tiêu')}</h1></header>
    <main id="main"><p class="muted">Đang tải… / Loading…</p></main>
    <noscript><p>Trang này cần JavaScript. This page needs JavaScript; the same figures are at /graphql.</p></noscript>
    <script type="application/json" id="coopstat-dashboard-config">${config}</script>
${assets.scripts.map((s) => `    <script src="${href(s)}" defer></script>`).join('\n')}
  </body>
</html>
`;

  const csp = pageCsp({
    // ECharts sets inline styles on its tooltip and canvas elements.
    'style-src': "'self' 'unsafe-inline'",
    'font-src': "'self'",
    'img-src': "'self' data: blob:",
    'connect-src': "'self'",
    // The provinces view's indicator and year pickers are a GET form to this page.
    'form-action': "'self'",
  });

  return pageRoute({
    isPage: (pathname) => pathname === DASHBOARD_PATH,
    owns: (pathname) => pathname === DASHBOARD_PATH || pathname.startsWith(DASHBOARD_ASSETS_PATH),
    assetsPath: DASHBOARD_ASSETS_PATH,
    assets: assets.byName,
    page: () => ({ html: page, csp }),
  });
}
