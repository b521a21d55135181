#!/usr/bin/env node
// Entry point of the `coopstat` command. Runs the JavaScript that `npm ci` / `npm install` (the
// `prepare` script) or `npm run build` compiled into dist/, so a command starts without compiling
// TypeScript. When there is no build, when a source file is newer than the build (an edit since),
// or with COOPSTAT_FROM_SOURCE=1, it runs the TypeScript through tsx instead, as before.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function compiledIsCurrent() {
  if (process.env.COOPSTAT_FROM_SOURCE === '1') return false;
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/build.json', root), 'utf8'));
    return manifest.inputs.every(
      (file) => statSync(new URL(file, root)).mtimeMs <= manifest.builtAt,
    );
  } catch {
    return false;
  }
}

if (compiledIsCurrent()) {
  await import(new URL('dist/cli.mjs', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../etl/cli.ts');
}
