import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

import { duckDbVersion } from '../../warehouse/dialect/index.ts';

/** What the figures were measured on. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly duckdbNodeApi: string;
  /** The DuckDB library's version, as `select version()` gives it. */
  readonly duckdb: string;
  readonly autocannon: string;
  /** 1-minute load average when the run started and ended (other jobs share these machines). */
  readonly loadAverageAtStart: number;
  loadAverageAtEnd: number | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Describes this machine (read-only: nothing is changed). */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdbNodeApi: packageVersion('@duckdb/node-api'),
    duckdb: duckDbVersion(),
    autocannon: packageVersion('autocannon'),
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
    loadAverageAtEnd: null,
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
  };
}

/** The 1-minute load average now. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}
