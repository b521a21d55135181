import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled build (`dist/`, what `npm ci` / `npm run build` produce and what `npm start` and
 * `bin/coopstat.mjs` run). The bench measures the server and the CLI as they run in production,
 * so it builds first when a source is newer than the build (a stale build would make
 * `bin/coopstat.mjs` fall back to compiling TypeScript with tsx) and checks the result.
 */

const ROOT = new URL('../../', import.meta.url);

/** The compiled API server: `node dist/server.mjs`, as `npm start` runs it. */
export const SERVER_BUNDLE = fileURLToPath(new URL('dist/server.mjs', ROOT));

export interface BuildInfo {
  /** When `scripts/build.mjs` last built `dist/`, ISO-8601 UTC. */
  readonly builtAt: string;
  /** Sources in the bundle. */
  readonly sources: number;
  /** Whether this run built it (false: it was current already). */
  readonly rebuilt: boolean;
  /** Wall time of the build this run made, ms (0 when none). */
  readonly buildMs: number;
}

function readManifest(): { builtAt: number; inputs: string[] } {
  return JSON.parse(readFileSync(new URL('dist/build.json', ROOT), 'utf8')) as {
    builtAt: number;
    inputs: string[];
  };
}

/** Whether `dist/build.json` lists only sources older than the build (as `bin/coopstat.mjs` checks). */
export function compiledIsCurrent(): boolean {
  try {
    const manifest = readManifest();
    return manifest.inputs.every(
      (file) => statSync(new URL(file, ROOT)).mtimeMs <= manifest.builtAt,
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure `dist/` is current: runs `node scripts/build.mjs` when a source is newer than the
 * build (or there is none), then checks; throws when it is still not current.
 */
export function buildCompiled(): BuildInfo {
  let buildMs = 0;
  const rebuilt = !compiledIsCurrent();
  if (rebuilt) {
    const started = performance.now();
    execFileSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', ROOT))], {
      cwd: fileURLToPath(ROOT),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    buildMs = Math.round(performance.now() - started);
    if (!compiledIsCurrent()) {
      throw new Error(
        'dist/ is older than a source after `node scripts/build.mjs`: the build failed',
      );
    }
  }
  const manifest = readManifest();
  return {
    builtAt: new Date(manifest.builtAt).toISOString(),
    sources: manifest.inputs.length,
    rebuilt,
    buildMs,
  };
}
