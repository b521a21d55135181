import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The floors of the house (docs/architecture.md), checked on every source file:
 * - `warehouse/` is the ground floor: it imports no other project folder;
 * - `etl/` and `schema/` stand on it and on nothing else (never on each other);
 * - `server/` may use `schema/`, `warehouse/` and `etl/` (the upload route runs the ETL);
 * - nothing the product ships imports `bench/`, `scripts/` or `test/`;
 * - DuckDB's driver is touched only in `warehouse/dialect/`, and the dialect imports nothing else
 *   of the warehouse; the domain vocabulary (`warehouse/domain/`) imports only the table shapes;
 * - `server/` reaches `schema/` only through its entry point, `schema/index.ts`, and `etl/` only
 *   through `etl/index.ts`;
 * - no file imports itself back through others (type-only imports count too), and the rooms of
 *   `etl/` (readers, sources, staged, validate, load, …) import each other one way only;
 * - `etl/export/`, `etl/readers/` and `etl/sources/` never import the command line (`etl/cli/`).
 */
const ROOT = join(import.meta.dirname, '..');
const PRODUCT = ['server', 'schema', 'warehouse', 'etl'] as const;
const MAY_IMPORT: Record<string, readonly string[]> = {
  warehouse: [],
  etl: ['warehouse'],
  schema: ['warehouse'],
  server: ['schema', 'warehouse', 'etl'],
};
/** Rooms of the warehouse that stand on (almost) nothing else of it. */
const LEAF_ROOMS: Record<string, readonly string[]> = {
  'warehouse/dialect': [],
  'warehouse/domain': ['warehouse/tables'],
};
/** Folders another floor may reach only through their entry points (importer → imported). */
const ENTRY_POINTS: Record<string, Record<string, readonly string[]>> = {
  server: { schema: ['schema/index.ts'], etl: ['etl/index.ts'] },
};
const DRIVER = '@duckdb/node-api';
/** Rooms of `etl/` that the command line uses and that never use it back. */
const BELOW_CLI = ['etl/export', 'etl/readers', 'etl/sources'] as const;

interface ImportEdge {
  readonly file: string;
  readonly specifier: string;
}

/** Every import specifier of a source file (static, dynamic and `export … from`). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The project folder (`etl`) or room (`warehouse/dialect`) a relative path lies in. */
function placeOf(path: string, depth: 1 | 2): string {
  return path.split(sep).slice(0, depth).join('/');
}

/** The rules above, as messages naming file and import; empty when the house is in order. */
function importViolations(edges: readonly ImportEdge[]): string[] {
  const violations: string[] = [];
  for (const { file, specifier } of edges) {
    const from = placeOf(file, 1);
    const fromRoom = placeOf(file, 2);
    if (!specifier.startsWith('.')) {
      if (specifier === DRIVER || specifier.startsWith(`${DRIVER}/`)) {
        if (fromRoom !== 'warehouse/dialect')
          violations.push(`${file}: imports ${specifier} outside warehouse/dialect/`);
      }
      continue;
    }
    const target = normalize(join(dirname(file), specifier));
    const to = placeOf(target, 1);
    const toRoom = placeOf(target, 2);
    if (to === from) {
      const allowed = LEAF_ROOMS[fromRoom];
      if (allowed && toRoom !== fromRoom && !allowed.includes(toRoom)) {
        violations.push(
          `${file}: ${fromRoom}/ may import nothing else of the warehouse, but imports ${specifier}`,
        );
      }
      continue;
    }
    if (!(MAY_IMPORT[from] ?? []).includes(to)) {
      violations.push(`${file}: ${from}/ may not import ${to}/ (${specifier})`);
      continue;
    }
    const entries = ENTRY_POINTS[from]?.[to];
    if (entries && !entries.includes(target.split(sep).join('/'))) {
      violations.push(
        `${file}: ${from}/ reaches ${to}/ only through ${entries.join(', ')}, but imports ${specifier}`,
      );
    }
  }
  return violations;
}

/** Where an import of `file` leads, as a path from the root (`etl/load/staging.ts`). */
function targetOf({ file, specifier }: ImportEdge): string {
  return normalize(join(dirname(file), specifier));
}

/**
 * The import cycles among the nodes `nodeOf` puts files in (the files themselves, or their
 * rooms), each as `a → b → a`, once per strongly connected group of nodes.
 */
function importCycles(
  edges: readonly ImportEdge[],
  nodeOf: (path: string) => string | null,
): string[] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.specifier.startsWith('.')) continue;
    const from = nodeOf(edge.file);
    const to = nodeOf(targetOf(edge));
    if (from === null || to === null || from === to) continue;
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  // Tarjan's strongly connected components; a group of two or more nodes holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) cycles.push(cyclePath(group, next));
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** One cycle through a strongly connected group, from its first node back to it. */
function cyclePath(
  group: readonly string[],
  next: ReadonlyMap<string, ReadonlySet<string>>,
): string {
  const members = new Set(group);
  const start = [...group].sort()[0]!;
  // Breadth-first from start to any node that leads back to start, inside the group.
  const cameFrom = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const to of next.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start].join(' → ');
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return group.join(' → ');
}

/** The room of `etl/` a path lies in (`etl/load`), or the file for a file at its top; else null. */
function etlRoomOf(path: string): string | null {
  const parts = path.split(sep);
  if (parts[0] !== 'etl') return null;
  return parts.slice(0, 2).join('/');
}

/** Imports of `etl/cli/` from the rooms below it. */
function importsOfCli(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((edge) => edge.specifier.startsWith('.'))
    .filter((edge) => (BELOW_CLI as readonly string[]).includes(placeOf(edge.file, 2)))
    .filter((edge) => placeOf(targetOf(edge), 2) === 'etl/cli')
    .map(
      (edge) =>
        `${edge.file}: ${placeOf(edge.file, 2)}/ may not import etl/cli/ (${edge.specifier})`,
    );
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

function projectEdges(): ImportEdge[] {
  return PRODUCT.flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      importsOf(readFileSync(join(ROOT, file), 'utf8')).map((specifier) => ({
        file: relative('.', file),
        specifier,
      })),
    ),
  );
}

describe('import rules', () => {
  it('finds the imports of every product file', () => {
    const edges = projectEdges();
    const files = new Set(edges.map((edge) => edge.file));
    expect(files.size).toBeGreaterThan(100);
    expect(
      edges.some(
        (edge) => edge.file === join('schema', 'index.ts') && edge.specifier.includes('warehouse'),
      ),
    ).toBe(true);
  });

  it('holds for every source file of server/, schema/, warehouse/ and etl/', () => {
    expect(importViolations(projectEdges())).toEqual([]);
  });

  it('reports each kind of violation with the file and the import', () => {
    const violations = importViolations([
      {
        file: join('warehouse', 'queries', 'fact.queries.ts'),
        specifier: '../../etl/sources/vocabulary.ts',
      },
      {
        file: join('schema', 'report', 'report.type.ts'),
        specifier: '../../etl/sources/vocabulary.ts',
      },
      { file: join('etl', 'load', 'load-file.ts'), specifier: '../../schema/index.ts' },
      { file: join('server', 'app.ts'), specifier: '../bench/lib/options.ts' },
      { file: join('etl', 'load', 'staging.ts'), specifier: '@duckdb/node-api' },
      {
        file: join('warehouse', 'dialect', 'duckdb-handle.ts'),
        specifier: '../tables/org-annual.table.ts',
      },
      {
        file: join('warehouse', 'domain', 'qualifier.ts'),
        specifier: '../queries/query-params.ts',
      },
      { file: join('server', 'csv-export.ts'), specifier: '../schema/common/enums.ts' },
      { file: join('server', 'auth', 'load-upload.ts'), specifier: '../../etl/load/load-file.ts' },
    ]);
    expect(violations).toHaveLength(9);
    expect(violations[0]).toContain('warehouse/ may not import etl/');
    expect(violations[2]).toContain('etl/ may not import schema/');
    expect(violations[4]).toContain('@duckdb/node-api outside warehouse/dialect/');
    expect(violations[5]).toContain('warehouse/dialect/ may import nothing else');
    expect(violations[7]).toContain('server/ reaches schema/ only through schema/index.ts');
    expect(violations[8]).toContain('server/ reaches etl/ only through etl/index.ts');
    // Allowed edges stay quiet.
    expect(
      importViolations([
        { file: join('server', 'auth', 'load-upload.ts'), specifier: '../../etl/index.ts' },
        { file: join('server', 'routes', 'open-data.ts'), specifier: '../../schema/index.ts' },
        { file: join('warehouse', 'dialect', 'duckdb-handle.ts'), specifier: '@duckdb/node-api' },
        { file: join('warehouse', 'queries', 'fact.queries.ts'), specifier: '../dialect/index.ts' },
        {
          file: join('warehouse', 'domain', 'measure-flags.ts'),
          specifier: '../tables/org-annual.table.ts',
        },
      ]),
    ).toEqual([]);
  });

  it('has no import cycle between files, nor between the rooms of etl/', () => {
    const edges = projectEdges();
    expect(importCycles(edges, (path) => path.split(sep).join('/'))).toEqual([]);
    expect(importCycles(edges, etlRoomOf)).toEqual([]);
  });

  it('keeps the command line above etl/export/, etl/readers/ and etl/sources/', () => {
    expect(importsOfCli(projectEdges())).toEqual([]);
  });

  it('reports a cycle with its path, and an import of the command line from below it', () => {
    const edge = (file: string, specifier: string): ImportEdge => ({
      file: join(...file.split('/')),
      specifier,
    });
    const edges = [
      edge('etl/cli/commands.ts', './release-commands.ts'),
      edge('etl/cli/release-commands.ts', './commands.ts'),
      edge('etl/load/load-file.ts', '../validate/validate.ts'),
      edge('etl/validate/validate.ts', '../load/findings.ts'),
      edge('etl/export/open-formats.ts', '../cli/output.ts'),
      edge('etl/cli/run.ts', '../export/open-formats.ts'),
    ];
    expect(importCycles(edges, (path) => path.split(sep).join('/'))).toEqual([
      'etl/cli/commands.ts → etl/cli/release-commands.ts → etl/cli/commands.ts',
    ]);
    expect(importCycles(edges, etlRoomOf)).toEqual([
      'etl/cli → etl/export → etl/cli',
      'etl/load → etl/validate → etl/load',
    ]);
    expect(importsOfCli(edges)).toEqual([
      `${join('etl', 'export', 'open-formats.ts')}: etl/export/ may not import etl/cli/ (../cli/output.ts)`,
    ]);
    // One way only stays quiet.
    expect(importCycles(edges.slice(2, 3), etlRoomOf)).toEqual([]);
  });
});
