/**
 * The goals of issue 9, written once: every figure the bench prints is compared with these and
 * nowhere else. They are reported, never asserted (the machine is shared and noisy).
 */
export const GOALS = {
  /** One client: the median answer of a pull. */
  c1P50Ms: 10,
  /** Eight clients: answers a second (twice the peer's 136 measured on this machine), 0 errors. */
  c8MinRps: 270,
  /** Thirty-two clients: 0 errors and the 99th percentile. */
  c32MaxP99Ms: 500,
  /** A request's median time at one client over the raw-SQL floor's time for the same numbers. */
  maxFloorRatio: 1.5,
  /** The server's resident memory during the 32-client runs (peak). */
  maxServerRssMiB: 300,
  /** A full ETL load of one register year over DuckDB's `read_csv` of the same file. */
  maxLoadFloorRatio: 2,
  /** The `.xlsx` load of a year over the CSV load of the same rows. */
  maxXlsxCsvRatio: 2,
  /** The sixteenth year's load over the first year's (publishing grows with the change). */
  maxLastFirstLoadRatio: 1,
  /** `coopstat --help` and `coopstat loads`, wall time, median of several runs. */
  cliHelpMs: 1000,
  cliLoadsMs: 1500,
  /** The soak (`scripts/soak.ts`): 32 clients, 60 s, loads publishing every few seconds. */
  soakMaxP99Ms: 500,
} as const;
