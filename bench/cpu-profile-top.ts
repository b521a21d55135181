/**
 * The functions a V8 CPU profile spent its time in: self time (in the function itself) and
 * inclusive time (with what it called), largest first, idle time left out. Reads the newest
 * `.cpuprofile` of a folder, e.g. the one `bench/cpu-per-request.ts --cpu-prof DIR` has the
 * server write.
 *
 *   npx tsx bench/cpu-profile-top.ts DIR [--top 30] [--inclusive 30]
 *
 * The profiler samples wall-clock time on the main thread: a sample taken while the thread waits
 * in a system call or is not scheduled counts for the function it is in, so on a busy machine
 * divide by the requests served with care (`/proc` CPU time, as `cpu-per-request.ts` prints, is
 * the figure to compare).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '30' },
    inclusive: { type: 'string', default: '30' },
  },
});
const dir = positionals[0];
if (!dir) throw new Error('give the folder holding the .cpuprofile');
const newest = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(dir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!newest) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;

// Microseconds per sampled node, then per function: self, and inclusive (each function once per
// sample, however deep it recurses).
const perNode = new Map<number, number>();
profile.samples.forEach((id, i) =>
  perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let idle = 0;
let total = 0;
for (const [id, us] of perNode) {
  total += us;
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') {
    idle += us;
    continue;
  }
  self.set(label(node), (self.get(label(node)) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}
const busy = total - idle;
const print = (title: string, times: Map<string, number>, count: number) => {
  console.log(title);
  for (const [name, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(
      `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
};
console.log(
  `${newest}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`,
);
print('self time', self, Number(values.top));
print('inclusive time', inclusive, Number(values.inclusive));
