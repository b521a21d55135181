import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled build (`dist/`, what `npm ci` / `npm run build` produce and what `npm start` and
 * `bin/coopstat.mjs` run). The bench measures the server and the CLI as they run in production,
 * so it builds first and then checks that every compiled source is older than the build: a
 * stale build would make `bin/coopstat.mjs` fall back to compiling TypeScript with tsx.
 */

const ROOT = new URL('../../', import.meta.url);

/** The compiled API server: `node dist/server.mjs`, as `npm start` runs it. */
export const SERVER_BUNDLE = fileURLToPath(new URL('dist/server.mjs', ROOT));

export interface BuildInfo {
  /** When `scripts/build.mjs` finished, ISO-8601 UTC. */
  readonly builtAt: string;
  /** Sources in the bundle. */
  readonly sources: number;
  /** Wall time of the build, ms. */
  readonly buildMs: number;
}

/** Whether `dist/build.json` lists only sources older than the build (as `bin/coopstat.mjs` checks). */
export function compiledIsCurrent(): boolean {
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/build.json', ROOT), 'utf8')) as {
      builtAt: number;
      inputs: string[];
    };
    return manifest.inputs.every(
      (file) => statSync(new URL(file, ROOT)).mtimeMs <= manifest.builtAt,
    );
  } catch {
    return false;
  }
}

/** Runs `node scripts/build.mjs` and checks the result is current; throws when it is not. */
export function buildCompiled(): BuildInfo {
  const started = performance.now();
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', ROOT))], {
    cwd: fileURLToPath(ROOT),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const buildMs = performance.now() - started;
  if (!compiledIsCurrent()) {
    throw new Error(
      'dist/ is older than a source after `node scripts/build.mjs`: the build failed',
    );
  }
  const manifest = JSON.parse(readFileSync(new URL('dist/build.json', ROOT), 'utf8')) as {
    builtAt: number;
    inputs: string[];
  };
  return {
    builtAt: new Date(manifest.builtAt).toISOString(),
    sources: manifest.inputs.length,
    buildMs: Math.round(buildMs),
  };
}
