import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';

/** Debian's Chromium; `COOPSTAT_CHROMIUM` overrides the path (to try the skip, or another build). */
export const CHROMIUM = process.env.COOPSTAT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless flags for a closed network: without the background-networking ones Chromium keeps
 * trying to reach Google's hosts at start.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True where the browser tests must be skipped: no Chromium here and not under CI. */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** Where the browser tests write their screenshots (gitignored): test-output/screenshots. */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../test-output/screenshots/', import.meta.url),
);

/** Headless Chromium with a fresh profile, every request off the loopback aborted and recorded. */
export interface OfflineBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs the page asked for outside 127.0.0.1 (aborted). */
  readonly blocked: string[];
  close(): Promise<void>;
}

/** Opens {@link OfflineBrowser}: 1280×900, 15 s default timeout. */
export async function openOfflineBrowser(
  options: { acceptDownloads?: boolean } = {},
): Promise<OfflineBrowser> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  const profile = await mkdtemp(join(tmpdir(), 'coopstat-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: 20_000,
    ...options,
  });
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
      await route.continue();
    } else {
      blocked.push(url.href);
      await route.abort('blockedbyclient');
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    blocked,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
