import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startCoopstatServer } from './coopstat-server.ts';
import { describeError } from './app.ts';
import { createLogger } from './logger.ts';

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
  const running = await startCoopstatServer(config, { logger });
  process.stdout.write(
    `coopstat API on ${running.graphqlUrl} (data version ${running.reader.dataVersion})\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`coopstat: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`coopstat: ${signal} received, finishing in-flight requests\n`);
    running.close().then(
      () => process.exit(0),
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
