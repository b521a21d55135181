/**
 * Options for `vi.waitFor` where the state waited for comes from another process, a server or
 * DuckDB: vitest's default (1 s) is shorter than a busy 2-core machine may take to get there.
 * The wait still ends as soon as the state holds; only a wait that fails takes longer to say so.
 */
export const EVENTUALLY = { timeout: 10_000, interval: 20 } as const;
