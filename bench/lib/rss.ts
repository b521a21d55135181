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
