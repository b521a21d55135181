import 'reflect-metadata';
import { processMemory, type ParentMessage, type WorkerMessage } from './lib/child.ts';
import { TASKS, type TaskContext } from './tasks/index.ts';

/**
 * A bench child process: runs one task sent by `bench/run.ts` over IPC, answers with its result
 * and the process's peak memory, and exits. Not meant to be started by hand.
 */

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let stopRequested: () => void = () => {};
const stopped = new Promise<void>((resolve) => (stopRequested = resolve));

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') {
    stopRequested();
    return;
  }
  const task = TASKS[message.task];
  if (!task) {
    send({ type: 'error', message: `no bench task named ${message.task}` });
    return;
  }
  const context: TaskContext = {
    progress: (line) => send({ type: 'progress', line }),
    ready: (info) => send({ type: 'ready', info }),
    stopped,
  };
  task(message.args as never, context).then(
    (result) => send({ type: 'done', result, memory: processMemory() }),
    (error: unknown) =>
      send({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      }),
  );
});

process.on('disconnect', () => process.exit(process.exitCode ?? 0));
