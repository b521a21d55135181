/**
 * What the soak (`scripts/soak.ts --probe`) watches inside the server process, preloaded with
 * `node --import ./scripts/soak-probe.mjs dist/server.mjs`: every 200 ms, the event loop's delay
 * in that window (`perf_hooks.monitorEventLoopDelay`, 10 ms resolution: mean, max) and the time
 * and number of garbage collections (minor and major) that ended in it, as one JSON line appended
 * to the file named by `COOPSTAT_SOAK_PROBE`, stamped with the wall clock (`Date.now()`) so the
 * soak can set each window beside what its loader was doing then. Also writes, once, the pair
 * (wall clock, monotonic clock in µs) that maps a V8 CPU profile's sample times to the wall clock.
 * Not part of the product: nothing the server ships imports it.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.COOPSTAT_SOAK_PROBE;
if (file) {
  const WINDOW_MS = 200;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gc = { minorMs: 0, majorMs: 0, minor: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind ?? entry.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.major += 1;
        gc.majorMs += entry.duration;
      } else {
        gc.minor += 1;
        gc.minorMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  writeFileSync(
    file,
    `${JSON.stringify({ clock: { wallMs: Date.now(), monotonicUs: Number(process.hrtime.bigint() / 1000n) } })}\n`,
  );
  let lines = [];
  const timer = setInterval(() => {
    lines.push(
      JSON.stringify({
        t: Date.now(),
        meanMs: delay.count > 0 ? delay.mean / 1e6 : 0,
        maxMs: delay.count > 0 ? delay.max / 1e6 : 0,
        ...gc,
      }),
    );
    delay.reset();
    gc = { minorMs: 0, majorMs: 0, minor: 0, major: 0 };
    if (lines.length >= 5) {
      appendFileSync(file, `${lines.join('\n')}\n`);
      lines = [];
    }
  }, WINDOW_MS);
  timer.unref();
  process.on('exit', () => {
    if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
  });
}
