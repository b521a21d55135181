// Preloaded into the API server by bench/server-memory.ts (`node --import`): every second, one
// JSON line of the process's memory (process.memoryUsage(), V8's heap spaces, /proc/self/status)
// to $COOPSTAT_MEMORY_LOG; on SIGUSR2, a full collection (with --expose-gc) and one line marked gc.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.COOPSTAT_MEMORY_LOG;
const mib = (bytes) => Math.round(bytes / 1048576);
const status = (name) => {
  try {
    const match = new RegExp(`${name}:\\s+(\\d+) kB`).exec(
      readFileSync('/proc/self/status', 'utf8'),
    );
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
};
const line = (gc) => {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), mib(s.space_size)]),
  );
  appendFileSync(
    file,
    `${JSON.stringify({
      gc,
      rss: mib(m.rss),
      hwm: status('VmHWM'),
      rssFile: status('RssFile'),
      rssAnon: status('RssAnon'),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      external: mib(m.external),
      spaces,
    })}\n`,
  );
};
if (file) {
  writeFileSync(file, '');
  setInterval(() => line(false), 1000).unref();
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    line(true);
  });
}
