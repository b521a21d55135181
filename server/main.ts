import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';

// graphql-js picks its `instanceOf` when it is loaded: outside production it runs a cross-realm
// check on every type test of every executed field (7–8% of a dashboard request's CPU). Nothing
// else reads NODE_ENV (Apollo's `nodeEnv`, stack traces and landing page are set in `app.ts`),
// so the default changes speed only; a value given in the environment is kept. The modules that
// load graphql are imported dynamically below, after this line has run (static imports would be
// evaluated first, also in the compiled bundle).
process.env.NODE_ENV ??= 'production';

/** What a worker tells the primary (over cluster's IPC channel). */
type WorkerMessage =
  | { readonly coopstat: 'ready'; readonly graphqlUrl: string; readonly dataVersion: number }
  | { readonly coopstat: 'draining' };

/** Unexpected worker deaths tolerated within {@link RESTART_WINDOW_MS} before the primary gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * The API process: `tsx server/main.ts`. Reads the configuration from the environment (and
 * exits with every problem listed when it is invalid), serves the published warehouse, and
 * shuts down gracefully on SIGINT / SIGTERM: stop accepting, drain in-flight requests (at most
 * COOPSTAT_SHUTDOWN_GRACE_MS, 10 s by default), close the warehouse.
 *
 * With COOPSTAT_WORKERS above 1 (the default is 1: one process) this process is the
 * primary of a `node:cluster`: it only forks the workers (each one a full server, all sharing
 * the port round-robin), restarts one that dies unexpectedly (a bounded number of times), and on
 * SIGINT / SIGTERM has every worker drain as above, exiting 0 when all have.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`coopstat: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.workers > 1 && cluster.isPrimary) runPrimary(config);
  else await runServer(config);
}

/** One server (the whole API when there is one worker, else one cluster worker). */
async function runServer(config: Config): Promise<void> {
  const inCluster = cluster.isWorker;
  // V8 reads this flag each time it sets the heap's next collection limit, so setting it now
  // holds for the whole process (see Config.heapGrowingPercent).
  if (config.heapGrowingPercent > 0) {
    setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  }
  const logger = createLogger(config.logLevel, undefined, inCluster ? { pid: process.pid } : {});
  const { startCoopstatServer } = await import('./coopstat-server.ts');
  const { describeError } = await import('./app.ts');
  const running = await startCoopstatServer(config, { logger });
  if (inCluster) {
    send({
      coopstat: 'ready',
      graphqlUrl: running.graphqlUrl,
      dataVersion: running.reader.dataVersion,
    });
  } else {
    process.stdout.write(
      `coopstat API on ${running.graphqlUrl} (data version ${running.reader.dataVersion})\n`,
    );
  }

  // The one shutdown path (Apollo's own signal handlers are off): stop accepting, let in-flight
  // requests finish within the grace period, close the warehouse, exit 0. A repeated signal
  // does not cut the drain short; the grace period bounds it.
  const who = inCluster ? `coopstat worker ${process.pid}` : 'coopstat';
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (!inCluster) {
        process.stdout.write(
          `coopstat: ${signal} received again; still finishing in-flight requests (at most ${config.shutdownGraceMs} ms)\n`,
        );
      }
      return;
    }
    stopping = true;
    // A worker's server.close() has already told the primary to send it no more connections
    // (the message goes first on the same channel) when the primary reads `draining`.
    const closed = running.close();
    if (inCluster) {
      process.stdout.write(`${who}: ${signal} received, finishing in-flight requests\n`);
      send({ coopstat: 'draining' });
    } else {
      process.stdout.write(`coopstat: ${signal} received, finishing in-flight requests\n`);
    }
    closed.then(
      () => {
        process.stdout.write(`${who}: stopped\n`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: describeError(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** The cluster's primary: forks, restarts (bounded), and drains the workers on a signal. */
function runPrimary(config: Config): void {
  const live = new Set<Worker>();
  const draining = new Set<Worker>();
  const restarts: number[] = [];
  let ready = 0;
  let stopping: NodeJS.Signals | undefined;
  let announcedDrain = false;
  let exitCode = 0;

  const announceDrainWhenAllStoppedAccepting = () => {
    if (announcedDrain || !stopping) return;
    for (const worker of live) if (!draining.has(worker)) return;
    announcedDrain = true;
    process.stdout.write(`coopstat: ${stopping} received, finishing in-flight requests\n`);
  };

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    worker.on('message', (message: WorkerMessage) => {
      if (message?.coopstat === 'ready') {
        ready += 1;
        if (ready === config.workers) {
          process.stdout.write(
            `coopstat API on ${message.graphqlUrl} (data version ${message.dataVersion}, ${config.workers} worker processes)\n`,
          );
        }
        // A worker that started while the others drain is told to drain too.
        if (stopping) worker.process.kill(stopping);
      } else if (message?.coopstat === 'draining') {
        draining.add(worker);
        announceDrainWhenAllStoppedAccepting();
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    draining.delete(worker);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      announceDrainWhenAllStoppedAccepting();
      if (live.size === 0) {
        process.stdout.write('coopstat: stopped\n');
        process.exit(exitCode);
      }
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      process.stderr.write(
        `coopstat: worker ${worker.process.pid} exited with ${how}; ${MAX_RESTARTS} restarts within ${RESTART_WINDOW_MS / 1000} s already, giving up\n`,
      );
      exitCode = 1;
      stop('SIGTERM');
      if (live.size === 0) process.exit(1);
      return;
    }
    restarts.push(now);
    process.stderr.write(
      `coopstat: worker ${worker.process.pid} exited with ${how}; starting another\n`,
    );
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stdout.write(
        `coopstat: ${signal} received again; still finishing in-flight requests (at most ${config.shutdownGraceMs} ms)\n`,
      );
      return;
    }
    stopping = signal;
    for (const worker of live) worker.process.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (let i = 0; i < config.workers; i++) fork();
}

main().catch((error: unknown) => {
  process.stderr.write(`coopstat: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
