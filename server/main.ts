import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';

// graphql-js picks its `instanceOf` when it is loaded: outside production it runs a cross-realm
// check on every type test of every executed field (7–8% of a dashboard request's CPU). Nothing
// else reads NODE_ENV (Apollo's `nodeEnv`, stack traces and landing page are set in `app.ts`),
// so the default changes speed only; a value given in the environment is kept. The modules that
// load graphql are imported dynamically below, after this line has run (static imports would be
// evaluated first, also in the compiled bundle).
process.env.NODE_ENV ??= 'production';

/**
 * The API process: `tsx server/main.ts`. Reads the configuration from the environment (and
 * exits with every problem listed when it is invalid), serves the published warehouse, and
 * shuts down gracefully on SIGINT / SIGTERM: stop accepting, drain in-flight requests (at most
 * COOPSTAT_SHUTDOWN_GRACE_MS, 10 s by default), close the warehouse.
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
  const logger = createLogger(config.logLevel);
  const { startCoopstatServer } = await import('./coopstat-server.ts');
  const { describeError } = await import('./app.ts');
  const running = await startCoopstatServer(config, { logger });
  process.stdout.write(
    `coopstat API on ${running.graphqlUrl} (data version ${running.reader.dataVersion})\n`,
  );

  // The one shutdown path (Apollo's own signal handlers are off): stop accepting, let in-flight
  // requests finish within the grace period, close the warehouse, exit 0. A repeated signal
  // does not cut the drain short; the grace period bounds it.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stdout.write(
        `coopstat: ${signal} received again; still finishing in-flight requests (at most ${config.shutdownGraceMs} ms)\n`,
      );
      return;
    }
    stopping = true;
    process.stdout.write(`coopstat: ${signal} received, finishing in-flight requests\n`);
    running.close().then(
      () => {
        process.stdout.write('coopstat: stopped\n');
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

main().catch((error: unknown) => {
  process.stderr.write(`coopstat: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
