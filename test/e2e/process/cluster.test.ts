import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { serverCommand } from '../../helpers/cli.ts';
import { createTestWarehouse, example, type TestWarehouse } from '../../helpers/warehouse.ts';
import { freePort } from '../../helpers/server.ts';
import { EVENTUALLY } from '../../helpers/wait.ts';

const BODY = JSON.stringify({ query: '{ dataVersion { version } }' });

let wh: TestWarehouse;
let child: ChildProcess;
let port: number;
let out = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  wh = await createTestWarehouse();
  port = await freePort();
  const [command, args] = serverCommand();
  child = spawn(command, args, {
    env: {
      ...process.env,
      COOPSTAT_DB: wh.db,
      PORT: String(port),
      LOG_LEVEL: 'info',
      COOPSTAT_WORKERS: '2',
      // Every request reaches a worker's reader (no answer kept from before a load).
      COOPSTAT_RESPONSE_CACHE_BYTES: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await vi.waitFor(() => expect(out).toContain('coopstat API on'), {
    timeout: 60_000,
    interval: 50,
  });
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await exited;
  }
  await wh.cleanup();
});

/** One query on a connection of its own (the cluster hands out connections, not requests). */
function dataVersion(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/graphql',
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close' },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(body).data.dataVersion.version as number));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

/** The request log lines written so far: one JSON object per request, with its worker's pid. */
function requestLines(): { pid: number; dataVersion: number | null; path: string }[] {
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === 'request')
    .map((line) => ({
      pid: line.pid as number,
      dataVersion: line.dataVersion as number | null,
      path: line.path as string,
    }));
}

describe('COOPSTAT_WORKERS=2', () => {
  it('answers connections from two worker processes, neither of them the primary', async () => {
    const before = requestLines().length;
    for (let i = 0; i < 4; i++) await dataVersion();
    await vi.waitFor(() => expect(requestLines().length).toBe(before + 4), EVENTUALLY);
    const pids = new Set(
      requestLines()
        .slice(before)
        .map((line) => line.pid),
    );
    expect(pids.size).toBe(2);
    expect(pids.has(child.pid!)).toBe(false);
    for (const pid of pids) expect(pid).toEqual(expect.any(Number));
  }, 60_000);

  it('has both workers answer the data version a load publishes while they serve', async () => {
    const initial = await dataVersion();
    const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(report.dataVersion).toBe(initial + 1);

    const workers = new Set(requestLines().map((line) => line.pid));
    expect(workers.size).toBe(2);
    // Each worker's reader follows the published file on its own; ask until both have answered
    // the new version (connections alternate between the workers).
    await vi.waitFor(
      async () => {
        await dataVersion();
        await dataVersion();
        const answeredNew = new Set(
          requestLines()
            .filter((line) => line.dataVersion === report.dataVersion)
            .map((line) => line.pid),
        );
        expect(answeredNew).toEqual(workers);
      },
      { timeout: 30_000, interval: 100 },
    );
  }, 60_000);

  it('drains both workers on SIGTERM and exits 0', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('coopstat: SIGTERM received, finishing in-flight requests');
    expect(out).toContain('coopstat: stopped');
  }, 60_000);
});
