import { dashboardInProcess, dashboardRawSql, pullFloor, serve } from './dashboard.tasks.ts';
import { generateRegisterFiles } from './generate.tasks.ts';
import { floorCsv, initTemplate, loadFiles } from './load.tasks.ts';
import { exportPeerRows } from './peer.tasks.ts';

/** What a task may do besides returning its result. */
export interface TaskContext {
  /** A progress line for the parent's log. */
  progress(line: string): void;
  /** For long-running tasks: tell the parent it may start using the task. */
  ready(info: unknown): void;
  /** Resolves when the parent asks the task to finish. */
  readonly stopped: Promise<void>;
}

type Task = (args: never, ctx: TaskContext) => Promise<unknown>;

/** Every task a bench child can run, by name. */
export const TASKS: Record<string, Task> = {
  generate: generateRegisterFiles,
  init: initTemplate,
  load: loadFiles,
  'floor-csv': floorCsv,
  serve,
  'dashboard-in-process': dashboardInProcess,
  'dashboard-raw-sql': dashboardRawSql,
  'pull-floor': pullFloor,
  'peer-export': exportPeerRows,
};
