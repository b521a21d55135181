/**
 * The part of autocannon's API the bench uses (the package ships no types; the community ones
 * are not a dependency of the project).
 */
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    /** Seconds before a request counts as a timeout (default 10). */
    timeout?: number;
    pipelining?: number;
    title?: string;
    /** A response whose body differs counts as a mismatch. */
    expectBody?: string;
    /** Requests sent in turn; each may rewrite itself before sending and see its answer. */
    requests?: AutocannonRequest[];
  }
  interface AutocannonRequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface AutocannonRequest extends AutocannonRequestData {
    setupRequest?: (req: AutocannonRequestData, context: object) => AutocannonRequestData;
    onResponse?: (
      status: number,
      body: string,
      context: object,
      headers: Record<string, string>,
    ) => void;
  }
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  }
  interface AutocannonResult {
    duration: number;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    resets: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
  export type { AutocannonOptions, AutocannonResult, AutocannonRequest };
}
