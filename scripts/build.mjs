// Compiles the command line and the API server to JavaScript in dist/ (git-ignored), so that
// `coopstat` starts without compiling TypeScript: run by `npm ci` / `npm install` (the `prepare`
// script) and by `npm run build`. esbuild is the compiler tsx itself uses, so the output behaves
// as under tsx (legacy decorators from tsconfig.json, no decorator metadata).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// `--outdir DIR` builds elsewhere (the test does); the default is what bin/coopstat.mjs runs.
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : join(root, 'dist');

/**
 * Modules find their data files relative to themselves (`new URL('../../catalog',
 * import.meta.url)`). In the bundle each module's `import.meta.url` is rewritten to the URL its
 * source file has, expressed relative to the bundle, so those paths keep resolving in the tree.
 */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromDist = relative(outdir, args.path).split('\\').join('/');
      return {
        contents: text.replace(
          /\bimport\.meta\.url\b/g,
          `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const builtAt = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'etl/cli.ts', server: 'server/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [sourceUrls],
  metafile: true,
});
// The sources compiled, for bin/coopstat.mjs to tell a build older than an edit.
const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules'));
await writeFile(join(outdir, 'build.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
