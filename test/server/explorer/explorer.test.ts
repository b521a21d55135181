// The GraphQL explorer, end to end and offline: a real node:http server serves the explorer and a
// tiny graphql-js endpoint on loopback; headless Debian Chromium (driven by playwright-core) loads
// the page with every non-loopback request aborted, runs the first example and reads the result.
//
// Needs /usr/bin/chromium (`apt-get update && apt-get install -y chromium`). Without it the browser
// test is skipped, except under CI=… where it must run and fails instead.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildSchema, graphql } from 'graphql';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createExplorerHandler,
  DEFAULT_EXPLORER_TITLE,
  type ExplorerExample,
} from '../../../server/explorer/explorer.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../helpers/chromium.ts';
import { rawGet } from '../../helpers/http.ts';

const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
const skipBrowser = !haveChromium && !inCi;
if (skipBrowser) {
  console.warn(
    `SKIPPING the explorer browser test: ${CHROMIUM} is absent (install it with ` +
      '`apt-get update && apt-get install -y chromium`). Under CI it is required.',
  );
}

const EXAMPLES: ExplorerExample[] = [
  { name: 'Lời chào — Greeting', query: 'query Hello {\n  hello\n}' },
  {
    name: 'Tên kiểu gốc — Root type name',
    query: 'query RootType($withName: Boolean!) {\n  __typename @include(if: $withName)\n}',
    variables: { withName: true },
  },
];

interface GraphqlCall {
  method: string;
  contentType: string | undefined;
  body: string;
}

/**
 * The system under test: the explorer plus a GraphQL endpoint on one loopback server. The
 * endpoint here is a minimal graphql-js one; swap in the real coopstat server when it exists.
 */
async function startServer(calls: GraphqlCall[]): Promise<{ server: Server; base: string }> {
  const schema = buildSchema('type Query { hello: String }');
  const rootValue = { hello: () => 'xin chào' };
  const explorer = createExplorerHandler({ endpoint: '/graphql', examples: EXAMPLES });

  const graphqlEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const contentType = req.headers['content-type'];
    calls.push({ method: req.method ?? '', contentType, body });
    // Like Apollo Server's CSRF prevention: only a JSON POST gets through.
    if (req.method !== 'POST' || !contentType?.startsWith('application/json')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('JSON POST only');
      return;
    }
    const { query, variables, operationName } = JSON.parse(body);
    const result = await graphql({
      schema,
      source: query,
      rootValue,
      variableValues: variables,
      operationName,
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(result));
  };

  const server = createServer((req, res) => {
    if (explorer(req, res)) return;
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/graphql') {
      graphqlEndpoint(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let server: Server;
let base: string;
const graphqlCalls: GraphqlCall[] = [];

beforeAll(async () => {
  ({ server, base } = await startServer(graphqlCalls));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('explorer handler over HTTP', () => {
  it('serves the page with a strict CSP and no outside references', async () => {
    const res = await fetch(`${base}/explorer`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/);

    const html = await res.text();
    expect(html).toContain(`<title>${DEFAULT_EXPLORER_TITLE}</title>`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<style/); // no inline code at all
    // Example names keep their Vietnamese; the JSON block cannot close its <script> early.
    expect(html).toContain('Lời chào — Greeting');
    expect(html).not.toMatch(/<\/script>[^\n]*<\/script>/);

    const assets = [...html.matchAll(/(?:src|href)="(\/explorer\/assets\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    // React, ReactDOM, GraphiQL and its CSS, the bootstrap script and CSS, the font rules.
    expect(assets).toHaveLength(7);
    const fontFiles: string[] = [];
    for (const path of assets) {
      const asset = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toBe(
        path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(asset.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
      expect(asset.headers.get('content-security-policy')).toContain("default-src 'none'");
      // Nothing for a browser to fetch from elsewhere: no source maps, no CSS imports or
      // remote url()s (GraphiQL's fonts are data: URLs). The browser test below is the proof.
      const text = await asset.text();
      const firstMatch = (re: RegExp) => re.exec(text)?.[0] ?? null;
      expect(firstMatch(/sourceMappingURL=\S*/), path).toBeNull();
      expect(firstMatch(/@import[^;]*/), path).toBeNull();
      expect(firstMatch(/url\(\s*['"]?(https?:)?\/\/[^)]*/), path).toBeNull();
      fontFiles.push(
        ...[...text.matchAll(/url\((\/explorer\/assets\/[^)]+\.woff2)\)/g)].map((m) => m[1]!),
      );
    }
    // Be Vietnam Pro and Noto Sans Mono, Vietnamese subsets included, served from this server.
    expect(fontFiles.some((f) => f.includes('be-vietnam-pro-vietnamese-400'))).toBe(true);
    expect(fontFiles.some((f) => f.includes('noto-sans-mono-vietnamese-400'))).toBe(true);
    for (const path of fontFiles) {
      const font = await fetch(`${base}${path}`);
      expect(font.status, path).toBe(200);
      expect(font.headers.get('content-type'), path).toBe('font/woff2');
    }
  });

  it('serves gzip and 304 for assets, 404 and 405 where due, and leaves other paths alone', async () => {
    const html = await (await fetch(`${base}/explorer`)).text();
    const path = html.match(/src="(\/explorer\/assets\/graphiql\.[0-9a-f]+\.js)"/)![1]!;
    const plain = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } });
    const plainBody = Buffer.from(await plain.arrayBuffer());
    const etag = plain.headers.get('etag')!;

    // node's fetch decodes gzip itself, so read the raw bytes with node:http.
    const gz = await rawGet(`${base}${path}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(plainBody.length / 2);
    expect(gunzipSync(gz.body).equals(plainBody)).toBe(true);

    const again = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    expect((await fetch(`${base}/explorer/assets/graphiql.min.js`)).status).toBe(404);
    expect((await fetch(`${base}/explorer/assets/../../package.json`)).status).toBe(404);
    const post = await fetch(`${base}/explorer`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/explorerx`)).status).toBe(404); // fell through to the server
    expect((await fetch(`${base}/explorer/`)).status).toBe(200);
  });

  it('rejects an endpoint that is empty or not http(s)', () => {
    expect(() => createExplorerHandler({ endpoint: '', examples: [] })).toThrow();
    expect(() => createExplorerHandler({ endpoint: 'ftp://x/graphql', examples: [] })).toThrow();
    const handler = createExplorerHandler({
      endpoint: 'http://127.0.0.1:4000/graphql',
      examples: [],
    });
    expect(typeof handler).toBe('function');
  });
});

describe('explorer in headless Chromium, network off but loopback', () => {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it.skipIf(skipBrowser)(
    'loads offline, runs the first example and shows "xin chào"',
    async () => {
      expect(
        haveChromium,
        `${CHROMIUM} is missing; install it with: apt-get update && apt-get install -y chromium`,
      ).toBe(true);

      userDataDir = await mkdtemp(join(tmpdir(), 'coopstat-chromium-'));
      // launchPersistentContext is how playwright takes a user-data-dir of our own.
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 },
        serviceWorkers: 'block',
        timeout: 20_000,
      });
      browser = context.browser() ?? undefined;

      const blocked: string[] = [];
      const loopback: string[] = [];
      await context.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (LOOPBACK_HOSTS.has(url.hostname) && /^https?:$/.test(url.protocol)) {
          loopback.push(url.href);
          await route.continue();
        } else {
          blocked.push(url.href);
          await route.abort('blockedbyclient');
        }
      });
      const pageErrors: string[] = [];
      context.on('weberror', (error) => pageErrors.push(String(error.error())));
      const consoleErrors: string[] = [];
      const sockets: string[] = [];

      // Record CSP violations from inside the page (a string: this project has no DOM typings).
      await context.addInitScript({
        content:
          'window.__cspViolations = [];' +
          "document.addEventListener('securitypolicyviolation', (event) =>" +
          " window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));",
      });

      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('websocket', (socket) => sockets.push(socket.url()));
      page.setDefaultTimeout(10_000);

      const response = await page.goto(`${base}/explorer`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('coopstat — GraphQL explorer');

      // The editor is there with the first example, and both examples are tabs.
      const editor = page.locator('.graphiql-query-editor .CodeMirror');
      await editor.waitFor({ state: 'visible' });
      await expect.poll(() => editor.innerText()).toContain('Lời chào — Greeting');
      await expect.poll(() => page.locator('.graphiql-tab').count()).toBe(2);
      await expect
        .poll(() => page.locator('.graphiql-logo').innerText())
        .toBe('coopstat — GraphQL explorer');

      // GraphiQL's introspection query reaches the endpoint as a JSON POST.
      await expect
        .poll(() => graphqlCalls.some((c) => c.body.includes('IntrospectionQuery')))
        .toBe(true);

      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.graphiql-response .CodeMirror');
      await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('xin chào');
      expect(await result.innerText()).toContain('"hello"');

      // The second tab, with its variables, also runs: by Ctrl-Enter this time, and at once after
      // the switch, while GraphiQL still holds the first tab's operation name for 100 ms.
      await page.locator('.graphiql-tab').nth(1).click();
      await expect.poll(() => editor.innerText()).toContain('Tên kiểu gốc');
      await editor.click();
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => result.innerText()).toContain('"__typename": "Query"');

      // The settings dialog (its scroll lock injects a <style>, which needs the CSP nonce) and
      // the documentation pane (from the introspected schema) open without CSP violations.
      await page.getByRole('button', { name: /settings/i }).click();
      await page.getByRole('dialog').waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: /documentation explorer/i }).click();
      await page
        .locator('.graphiql-doc-explorer')
        .getByText('Query', { exact: true })
        .first()
        .waitFor();
      await page.getByRole('button', { name: /documentation explorer/i }).click();

      // Back on the first tab for the picture.
      await page.locator('.graphiql-tab').nth(0).click();
      await expect.poll(() => result.innerText()).toContain('xin chào');
      const screenshot = join(tmpdir(), `coopstat-explorer-${process.pid}.png`);
      await page.screenshot({ path: screenshot });
      console.log(`explorer screenshot: ${screenshot}`);

      const violations = (await page.evaluate('window.__cspViolations')) as string[];

      expect(blocked, 'requests to hosts other than loopback').toEqual([]);
      expect(sockets, 'websockets opened').toEqual([]);
      expect(violations, 'CSP violations').toEqual([]);
      expect(pageErrors, 'page errors').toEqual([]);
      expect(consoleErrors, 'console errors').toEqual([]);
      expect(loopback.some((url) => url.endsWith('/explorer'))).toBe(true);
      for (const call of graphqlCalls) {
        expect(call.method).toBe('POST');
        expect(call.contentType).toBe('application/json');
      }
    },
    30_000,
  );
});
