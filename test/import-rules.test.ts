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
 * - `server/` reaches `schema/` only through its entry point, `schema/index.ts`.
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
  server: { schema: ['schema/index.ts'] },
};
const DRIVER = '@duckdb/node-api';

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
        if (fromRoom !== 'warehouse/dialect') violations.push(`${file}: imports ${specifier} outside warehouse/dialect/`);
      }
      continue;
    }
    const target = normalize(join(dirname(file), specifier));
    const to = placeOf(target, 1);
    const toRoom = placeOf(target, 2);
    if (to === from) {
      const allowed = LEAF_ROOMS[fromRoom];
      if (allowed && toRoom !== fromRoom && !allowed.includes(toRoom)) {
        violations.push(`${file}: ${fromRoom}/ may import nothing else of the warehouse, but imports ${specifier}`);
      }
      continue;
    }
    if (!(MAY_IMPORT[from] ?? []).includes(to)) {
      violations.push(`${file}: ${from}/ may not import ${to}/ (${specifier})`);
      continue;
    }
    const entries = ENTRY_POINTS[from]?.[to];
    if (entries && !entries.includes(target.split(sep).join('/'))) {
      violations.push(`${file}: ${from}/ reaches ${to}/ only through ${entries.join(', ')}, but imports ${specifier}`);
    }
  }
  return violations;
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
      importsOf(readFileSync(join(ROOT, file), 'utf8')).map((specifier) => ({ file: relative('.', file), specifier })),
    ),
  );
}

describe('import rules', () => {
  it('finds the imports of every product file', () => {
    const edges = projectEdges();
    const files = new Set(edges.map((edge) => edge.file));
    expect(files.size).toBeGreaterThan(100);
    expect(edges.some((edge) => edge.file === join('schema', 'index.ts') && edge.specifier.includes('warehouse'))).toBe(true);
  });

  it('holds for every source file of server/, schema/, warehouse/ and etl/', () => {
    expect(importViolations(projectEdges())).toEqual([]);
  });

  it('reports each kind of violation with the file and the import', () => {
    const violations = importViolations([
      { file: join('warehouse', 'queries', 'fact.queries.ts'), specifier: '../../etl/sources/vocabulary.ts' },
      { file: join('schema', 'report', 'report.type.ts'), specifier: '../../etl/sources/vocabulary.ts' },
      { file: join('etl', 'load', 'load-file.ts'), specifier: '../../schema/index.ts' },
      { file: join('server', 'app.ts'), specifier: '../bench/lib/options.ts' },
      { file: join('etl', 'load', 'staging.ts'), specifier: '@duckdb/node-api' },
      { file: join('warehouse', 'dialect', 'duckdb-handle.ts'), specifier: '../tables/org-annual.table.ts' },
      { file: join('warehouse', 'domain', 'qualifier.ts'), specifier: '../queries/query-params.ts' },
      { file: join('server', 'csv-export.ts'), specifier: '../schema/common/enums.ts' },
    ]);
    expect(violations).toHaveLength(8);
    expect(violations[0]).toContain('warehouse/ may not import etl/');
    expect(violations[2]).toContain('etl/ may not import schema/');
    expect(violations[4]).toContain('@duckdb/node-api outside warehouse/dialect/');
    expect(violations[5]).toContain('warehouse/dialect/ may import nothing else');
    expect(violations[7]).toContain('server/ reaches schema/ only through schema/index.ts');
    // Allowed edges stay quiet.
    expect(
      importViolations([
        { file: join('server', 'auth', 'load-upload.ts'), specifier: '../../etl/load/load-file.ts' },
        { file: join('server', 'routes', 'open-data.ts'), specifier: '../../schema/index.ts' },
        { file: join('warehouse', 'dialect', 'duckdb-handle.ts'), specifier: '@duckdb/node-api' },
        { file: join('warehouse', 'queries', 'fact.queries.ts'), specifier: '../dialect/index.ts' },
        { file: join('warehouse', 'domain', 'measure-flags.ts'), specifier: '../tables/org-annual.table.ts' },
      ]),
    ).toEqual([]);
  });
});
