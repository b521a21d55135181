import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example } from '../../helpers/warehouse.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `node args…` and resolves with its exit code and output. */
function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP port free on loopback (PORT must be given; 0 is refused by the configuration). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let out: string;
let wh: TestWarehouse;
beforeAll(async () => {
  // Inside the tree (.tmp/ is git-ignored): the bundle resolves its packages from node_modules.
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  out = await mkdtemp(join(ROOT, '.tmp', 'build-'));
  wh = await createTestWarehouse();
  const built = await run(['scripts/build.mjs', '--outdir', out]);
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await wh.cleanup();
});

describe('the compiled command line (scripts/build.mjs, run by npm ci)', () => {
  it('prints its usage and the load log, and loads a file, without tsx', async () => {
    const help = await run([join(out, 'cli.mjs'), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('coopstat — the collective-economy statistics warehouse');

    // Data files found relative to the sources (reference data, catalog) are found from the bundle.
    const load = await run([
      join(out, 'cli.mjs'),
      'load',
      example('aggregates-2024.csv'),
      '--db',
      wh.db,
    ]);
    expect(load.stderr).toBe('');
    expect(load.code).toBe(0);
    expect(load.stdout).toContain(
      'aggregates-2024.csv [aggregates, 7 rows, years 2024]: published',
    );

    const loads = await run([join(out, 'cli.mjs'), 'loads', '--db', wh.db, '--json']);
    expect(loads.code).toBe(0);
    const log = JSON.parse(loads.stdout) as { family: string }[];
    expect(log.map((l) => l.family)).toEqual(
      expect.arrayContaining(['reference', 'catalog', 'aggregates']),
    );
  });

  it('holds every package it imports but exceljs, and requires only DuckDB’s native binding', async () => {
    // Node would resolve and compile each package's modules one by one at every start.
    const imported = new Set<string>();
    const required = new Set<string>();
    const packageOf = (specifier: string) => {
      const [scope, rest] = specifier.split('/');
      return scope!.startsWith('@') ? `${scope}/${rest}` : scope!;
    };
    const builtin = (specifier: string) =>
      specifier.startsWith('node:') || builtinModules.includes(specifier);
    for (const name of (await readdir(out)).filter((n) => n.endsWith('.mjs'))) {
      const code = await readFile(join(out, name), 'utf8');
      // esbuild writes its imports with double quotes (comments of bundled code may quote others).
      const imports =
        /^import\s[^;]*?\bfrom\s*"([^"./][^"]*)";|^import\s*"([^"./][^"]*)";|\bimport\("([^"./][^"]*)"\)/gm;
      for (const m of code.matchAll(imports)) {
        const specifier = (m[1] ?? m[2] ?? m[3])!;
        if (!builtin(specifier)) imported.add(packageOf(specifier));
      }
      for (const m of code.matchAll(/\b__require\d*\("([^"./][^"]*)"\)/g))
        if (!builtin(m[1]!)) required.add(packageOf(m[1]!));
    }
    expect([...imported]).toEqual(['exceljs']);
    expect([...required]).toEqual(['@duckdb/node-bindings']);
  });

  it('serves the API from the compiled server, decorators, explorer and dashboard included', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(out, 'server.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        COOPSTAT_DB: wh.db,
        PORT: String(port),
        HOST: '127.0.0.1',
        COOPSTAT_EXPLORER: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /coopstat API on (\S+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __type(name: "Query") { name } }' }),
      });
      expect(await response.json()).toEqual({ data: { __type: { name: 'Query' } } });
      const explorer = await fetch(new URL('/explorer', url));
      expect(explorer.status).toBe(200);
      // The dashboard's own scripts and styles are read from server/dashboard/, not dist/.
      const dashboard = await fetch(new URL('/', url), { headers: { accept: 'text/html' } });
      expect(dashboard.status).toBe(200);
      const html = await dashboard.text();
      const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+\.(?:js|css))"/g)].map(
        (m) => m[1]!,
      );
      for (const own of ['dashboard', 'tile-grid']) {
        expect(assets.some((a) => a.startsWith(`/dashboard/assets/${own}.`))).toBe(true);
      }
      for (const asset of assets) {
        const file = await fetch(new URL(asset, url));
        expect(file.status, asset).toBe(200);
        expect((await file.text()).length, asset).toBeGreaterThan(0);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
    }
  });
});

describe('a build (scripts/build.mjs)', () => {
  it('replaces the previous build only when complete: a failed one leaves it whole', async () => {
    const manifest = await readFile(join(out, 'build.json'), 'utf8');
    // esbuild's compiler replaced by a program that exits at once: the compile fails.
    const failed = await run(['scripts/build.mjs', '--outdir', out], {
      ESBUILD_BINARY_PATH: '/bin/false',
    });
    expect(failed.code).toBe(1);
    expect(await readFile(join(out, 'build.json'), 'utf8')).toBe(manifest);
    const help = await run([join(out, 'cli.mjs'), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('coopstat — the collective-economy statistics warehouse');
    // Nothing is left beside it.
    expect((await readdir(dirname(out))).filter((n) => n.startsWith(`${basename(out)}.`))).toEqual(
      [],
    );
  });
});
