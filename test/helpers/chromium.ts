import { existsSync } from 'node:fs';
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
