import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Runs bench tasks in child processes of the bench (one process tree): each measure gets a fresh
 * Node process, so its peak memory is its own and one measure's garbage does not slow the next.
 * Children run TypeScript through tsx's loader and talk to the parent over the IPC channel.
 */

/** Peak memory of a process, in MiB. */
export interface ProcessMemory {
  /** `process.resourceUsage().maxRSS`: the peak resident set of the process. */
  readonly maxRssMiB: number;
  /** `VmHWM` of /proc/self/status (the same peak as the kernel counts it), when readable. */
  readonly vmHwmMiB: number | null;
}

/** Messages a worker sends to the parent. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly line: string }
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'done'; readonly result: unknown; readonly memory: ProcessMemory }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/** Messages the parent sends to a worker. */
export type ParentMessage =
  | { readonly type: 'run'; readonly task: string; readonly args: unknown }
  | { readonly type: 'stop' };

/** The peak memory of this process. */
export function processMemory(): ProcessMemory {
  let vmHwmMiB: number | null = null;
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) vmHwmMiB = Math.round((Number(m[1]) / 1024) * 10) / 10;
  } catch {
    // not Linux: maxRSS only
  }
  return { maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10, vmHwmMiB };
}

const WORKER = fileURLToPath(new URL('../worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function spawnWorker(): ChildProcess {
  return fork(WORKER, [], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', TSX_LOADER],
    // As `server/main.ts` runs the API (graphql-js without its development-mode checks), unless
    // the bench itself was started with a NODE_ENV.
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** What a task returned, with the peak memory and the wall time of its process. */
export interface TaskOutcome<T> {
  readonly result: T;
  readonly memory: ProcessMemory;
  /** From spawning the process to its answer (includes tsx start-up). */
  readonly processMs: number;
}

let inProcess = false;

/**
 * Runs every task in this process instead (the smoke run: a child's start-up with tsx costs
 * seconds on a busy 2-core machine). Peak memory is then the whole bench's, not the task's.
 */
export function runTasksInProcess(on: boolean): void {
  inProcess = on;
}

async function inProcessTask<T>(
  task: string,
  args: unknown,
  onProgress: (line: string) => void,
  ready: (info: unknown) => void,
  stopped: Promise<void>,
): Promise<TaskOutcome<T>> {
  const started = performance.now();
  await import('reflect-metadata');
  const { TASKS } = await import('../tasks/index.ts');
  const run = TASKS[task];
  if (!run) throw new Error(`no bench task named ${task}`);
  const result = (await run(args as never, { progress: onProgress, ready, stopped })) as T;
  return { result, memory: processMemory(), processMs: performance.now() - started };
}

/** Runs one task in a fresh child process and returns its result. */
export function runTask<T>(
  task: string,
  args: unknown,
  onProgress: (line: string) => void = () => {},
): Promise<TaskOutcome<T>> {
  if (inProcess) return inProcessTask(task, args, onProgress, () => {}, Promise.resolve());
  const started = performance.now();
  const child = spawnWorker();
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.line);
      else if (message.type === 'done') {
        settled = true;
        resolve({
          result: message.result as T,
          memory: message.memory,
          processMs: performance.now() - started,
        });
        child.disconnect();
      } else if (message.type === 'error') {
        settled = true;
        reject(
          Object.assign(new Error(`bench task ${task}: ${message.message}`), {
            stack: message.stack,
          }),
        );
        child.disconnect();
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(
          new Error(`bench task ${task} exited (${signal ?? `code ${code}`}) without an answer`),
        );
    });
    child.send({ type: 'run', task, args } satisfies ParentMessage);
  });
}

/** A long-running task (the API server): ready with some info, then stopped on request. */
export interface RunningTask<I, T> {
  readonly info: I;
  readonly pid: number;
  /** Asks the task to finish; resolves with its final result and peak memory. */
  stop(): Promise<TaskOutcome<T>>;
}

/** Starts a task that answers `ready` and keeps running until {@link RunningTask.stop}. */
export function startTask<I, T>(
  task: string,
  args: unknown,
  onProgress: (line: string) => void = () => {},
): Promise<RunningTask<I, T>> {
  if (inProcess) {
    return new Promise((resolveReady, rejectReady) => {
      let stop: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const done = inProcessTask<T>(
        task,
        args,
        onProgress,
        (info) => resolveReady({ info: info as I, pid: process.pid, stop: () => (stop(), done) }),
        stopped,
      );
      done.catch(rejectReady);
    });
  }
  const started = performance.now();
  const child = spawnWorker();
  let finish: { resolve: (v: TaskOutcome<T>) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  const done = new Promise<TaskOutcome<T>>((resolve, reject) => (finish = { resolve, reject }));
  done.catch(() => {});
  return new Promise((resolveReady, rejectReady) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.line);
      else if (message.type === 'ready') {
        resolveReady({
          info: message.info as I,
          pid: child.pid!,
          stop: () => {
            if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
            return done;
          },
        });
      } else if (message.type === 'done') {
        finish!.resolve({
          result: message.result as T,
          memory: message.memory,
          processMs: performance.now() - started,
        });
        child.disconnect();
      } else if (message.type === 'error') {
        failure = Object.assign(new Error(`bench task ${task}: ${message.message}`), {
          stack: message.stack,
        });
        rejectReady(failure);
        finish!.reject(failure);
        child.disconnect();
      }
    });
    child.on('exit', (code, signal) => {
      const error = failure ?? new Error(`bench task ${task} exited (${signal ?? `code ${code}`})`);
      rejectReady(error);
      finish!.reject(error);
    });
    child.send({ type: 'run', task, args } satisfies ParentMessage);
  });
}
