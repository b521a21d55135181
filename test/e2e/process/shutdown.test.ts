import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCommand } from '../../helpers/cli.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { freePort } from '../../helpers/server.ts';

const BODY = JSON.stringify({ query: '{ dataVersion { version } }' });

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse();
}, 120_000);
afterAll(() => wh.cleanup());

/** The server as a child process, with its output collected. */
async function startServer(
  port: number,
  workers?: number,
): Promise<{ child: ChildProcess; stdout: () => string }> {
  const [command, args] = serverCommand();
  const child = spawn(command, args, {
    env: {
      ...process.env,
      COOPSTAT_DB: wh.db,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...(workers === undefined ? {} : { COOPSTAT_WORKERS: String(workers) }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  try {
    await waitFor(
      () => out.includes('coopstat API on'),
      () => out,
    );
  } catch (error) {
    // A server that never said it listens must not outlive the test.
    child.kill('SIGTERM');
    throw error;
  }
  return { child, stdout: () => out };
}

async function waitFor(done: () => boolean, describe: () => string): Promise<void> {
  for (let i = 0; i < 1_200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!done()) throw new Error(`gave up waiting; output so far:\n${describe()}`);
}

/**
 * A POST that the server has begun handling (it answered `100 Continue`) but whose body is held
 * back until `finish()` is called: a request in flight for as long as the test wants.
 */
async function heldRequest(port: number): Promise<{
  finish: () => void;
  response: Promise<{ status: number; body: string }>;
}> {
  let continued!: () => void;
  const started = new Promise<void>((resolve) => (continued = resolve));
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/graphql',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.on('continue', continued);
  req.flushHeaders();
  await started;
  return { finish: () => req.end(BODY), response };
}

// Without COOPSTAT_WORKERS the server is a single process (the default, 1, as
// test/server/config.test.ts holds it; an explicit 1 would run the same process again); 2 is a
// cluster: a primary and two workers.
describe.each([
  ['SIGTERM', undefined],
  ['SIGINT', undefined],
  ['SIGTERM', 2],
  ['SIGINT', 2],
] as const)('%s, COOPSTAT_WORKERS=%s', (signal, workers) => {
  it('lets 16 in-flight requests finish, refuses new connections and exits 0', async () => {
    const port = await freePort();
    const { child, stdout } = await startServer(port, workers);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const held = await Promise.all(Array.from({ length: 16 }, () => heldRequest(port)));

    child.kill(signal);
    await waitFor(() => stdout().includes(`${signal} received`), stdout);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();

    for (const h of held) h.finish();
    const answers = await Promise.all(held.map((h) => h.response));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body)).toMatchObject({
        data: { dataVersion: { version: expect.any(Number) } },
      });
    }
    expect(await exited).toBe(0);
    expect(stdout()).not.toContain('exiting now');
    expect(stdout()).toContain('coopstat: stopped');
  }, 120_000);
});
