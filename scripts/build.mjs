// Compiles the command line and the API server to JavaScript in dist/ (git-ignored), so that
// `coopstat` starts without compiling TypeScript: run by `npm ci` / `npm install` (the `prepare`
// script) and by `npm run build`. esbuild is the compiler tsx itself uses, so the output behaves
// as under tsx (legacy decorators from tsconfig.json, no decorator metadata).
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// `--outdir DIR` builds elsewhere (the test does); the default is what bin/coopstat.mjs runs.
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : join(root, 'dist');
/**
 * The build is written beside `outdir` and renamed into place when complete, so the previous
 * build stays whole while this one compiles (a `coopstat` started meanwhile runs it) and when
 * this one fails. Beside, not inside: the paths written into the bundle are relative to `outdir`
 * and stay right at the same depth.
 */
const building = `${outdir}.building`;
const previous = `${outdir}.previous`;

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

/**
 * The packages left to Node at run time; every other package is compiled into the bundle. Node
 * resolves and compiles a package's modules one by one at every start (kysely alone is ~400 ES
 * modules, the GraphQL stack several hundred more): bundled, the server is ready in 0.85–0.9 s
 * against 1.45 s, and `coopstat loads` answers in ~0.37 s against ~0.6 s. Left out: DuckDB's
 * native binding (a `.node` file per platform) and exceljs (imported only by the commands that
 * write workbooks). graphql is bundled with every package that uses it, so there is one copy.
 */
const EXTERNAL = ['@duckdb/node-bindings', 'exceljs'];
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const [scope, name] = args.path.split('/');
      const pkg = scope.startsWith('@') ? `${scope}/${name}` : scope;
      const external =
        args.path.startsWith('node:') || EXTERNAL.some((e) => pkg === e || pkg.startsWith(`${e}-`));
      return external ? { path: args.path, external: true } : undefined;
    });
  },
};
/** A `require` for the CommonJS code in the bundle (esbuild's shim calls it when it exists). */
const REQUIRE_BANNER =
  "import { createRequire as createRequireOfBundle } from 'node:module';\n" +
  'const require = createRequireOfBundle(import.meta.url);';

// What an interrupted build left.
await rm(building, { recursive: true, force: true });
await rm(previous, { recursive: true, force: true });
const builtAt = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'etl/cli.ts', server: 'server/main.ts' },
  outdir: building,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: REQUIRE_BANNER },
  tsconfig: join(root, 'tsconfig.json'),
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [externalPackages, sourceUrls],
  metafile: true,
}).catch(async (error) => {
  await rm(building, { recursive: true, force: true });
  throw error;
});
// The sources compiled, for bin/coopstat.mjs to tell a build older than an edit.
const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules'));
await writeFile(join(building, 'build.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
// Two renames: `outdir` is missing only between them.
await rename(outdir, previous).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(building, outdir);
await rm(previous, { recursive: true, force: true });
