import { readFileSync } from 'node:fs';

/** Resident memory (`VmRSS`) of a process now, MiB; null when it cannot be read (gone, not Linux). */
export function readRssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** A process and its descendants (Linux `/proc/<pid>/task/<pid>/children`); just `pid` elsewhere. */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    // gone, or not Linux
  }
  return [pid, ...children.flatMap(processTree)];
}

/** The summed peak resident memory (`VmHWM`) of processes, MiB; null when none could be read. */
export function readPeakMiB(pids: readonly number[]): number | null {
  let total: number | null = null;
  for (const pid of pids) {
    try {
      const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total = (total ?? 0) + Number(m[1]) / 1024;
    } catch {
      // gone
    }
  }
  return total === null ? null : Math.round(total * 10) / 10;
}

/**
 * CPU time of this process's waited-for descendants (`cutime`, `cstime` of /proc/self/stat, in
 * clock ticks of 10 ms), ms; zeros when unreadable.
 */
export function childrenCpuMs(): { user: number; system: number } {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): cutime is field 16, cstime 17.
    return { user: Number(fields[13]) * 10, system: Number(fields[14]) * 10 };
  } catch {
    return { user: 0, system: 0 };
  }
}
