// The explorer of the real coopstat server, as a newcomer meets it: the default warehouse (real
// published national figures), headless Debian Chromium with every non-loopback request aborted,
// the first example (progress of the national 2030 targets) run from the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { serveTestWarehouse } from '../../helpers/server.ts';
import {
  openOfflineBrowser,
  SCREENSHOTS,
  skipBrowser,
  type OfflineBrowser,
} from '../../helpers/chromium.ts';

const served = serveTestWarehouse();
let browser: OfflineBrowser | undefined;

afterAll(async () => {
  await browser?.close();
});

it.skipIf(skipBrowser)(
  'opens offline and shows the progress of the national 2030 targets from the published figures',
  async () => {
    browser = await openOfflineBrowser();
    const { page, blocked } = browser;
    // The dashboard has the root; the explorer lives at /explorer.
    const response = await page.goto(`${served.server.origin}/explorer`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    const editor = page.locator('.graphiql-query-editor .CodeMirror');
    await editor.waitFor({ state: 'visible' });
    await expect.poll(() => editor.innerText()).toContain('National 2030 targets');
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response .CodeMirror');
    await expect
      .poll(() => result.innerText(), { timeout: 15_000 })
      .toContain('"status": "ON_TRACK"');
    const text = await result.innerText();
    expect(text).toContain('"value": 35041'); // cooperatives in 2025, ministry series (provisional)
    expect(text).toContain('45.000 hợp tác xã với 8 triệu thành viên');
    // The editor draws Vietnamese with a bundled font that has the letters (GraphiQL's own Fira
    // Code does not, and Chromium then stacks loose marks: "Sô´").
    // (A string: the tests are compiled without the DOM library.)
    const fonts = (await page.evaluate(`(async () => {
      await document.fonts.ready;
      const mono = getComputedStyle(document.querySelector('.CodeMirror')).fontFamily;
      return { mono, loaded: document.fonts.check('14px "Noto Sans Mono"', 'Số Bắc') };
    })()`)) as { mono: string; loaded: boolean };
    expect(fonts.mono).toContain('Noto Sans Mono');
    expect(fonts.loaded).toBe(true);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer.png') });
    expect(blocked).toEqual([]);
  },
  60_000,
);
