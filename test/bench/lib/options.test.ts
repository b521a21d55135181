import { describe, expect, it } from 'vitest';
import { parseOptions, type BenchOptions } from '../../../bench/lib/options.ts';

const parsed = (argv: string[]) => parseOptions(argv) as BenchOptions;

describe('the length of the bench pulls', () => {
  it('is a duration in the full and quick runs, two requests a client in the smoke run', () => {
    expect(parsed([])).toMatchObject({ duration: 15, pullRequestsPerClient: null });
    expect(parsed(['--quick'])).toMatchObject({ duration: 5, pullRequestsPerClient: null });
    expect(parsed(['--smoke'])).toMatchObject({ pullRequestsPerClient: 2 });
  });

  it('is the duration given, in any run', () => {
    expect(parsed(['--smoke', '--duration', '3'])).toMatchObject({
      duration: 3,
      pullRequestsPerClient: null,
    });
  });
});

describe('the template of the loads', () => {
  it('is built by init unless a warehouse is given, which is copied', () => {
    expect(parsed([])).toMatchObject({ template: null });
    expect(parsed(['--smoke', '--template', 'bench/out/t.duckdb'])).toMatchObject({
      template: expect.stringMatching(/\/bench\/out\/t\.duckdb$/),
    });
  });
});
