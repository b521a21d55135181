// Writes docs/input-format.md from the loader's descriptors (`npm run docs:input-format`);
// test/etl/template/input-template.test.ts checks that the committed file is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderInputFormatDoc } from '../etl/template/input-format-doc.ts';

const path = fileURLToPath(new URL('../docs/input-format.md', import.meta.url));
await writeFile(path, renderInputFormatDoc());
console.log(`wrote ${path}`);
