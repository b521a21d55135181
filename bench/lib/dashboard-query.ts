import { readFileSync } from 'node:fs';

/** The dashboard operation the API is measured with (`test/operations/dashboard.graphql`). */
export const DASHBOARD_QUERY = readFileSync(
  new URL('../../test/operations/dashboard.graphql', import.meta.url),
  'utf8',
);
