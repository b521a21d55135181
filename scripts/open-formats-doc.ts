// Writes docs/open-formats.md from the export definitions (`npm run docs:open-formats`);
// test/etl/export/open-formats.test.ts checks that the committed file is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderOpenFormatsDoc } from '../etl/export/open-formats-doc.ts';

const path = fileURLToPath(new URL('../docs/open-formats.md', import.meta.url));
await writeFile(path, renderOpenFormatsDoc());
console.log(`wrote ${path}`);
