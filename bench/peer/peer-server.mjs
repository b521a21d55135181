// The peer's API server: PostGraphile 4 with @graphile/pg-aggregates over PostgreSQL, as a user
// would run it (library mode, default pool, no query log). Started by bench/peer/peer.ts with
// PEER_MODULES (the scratch install's node_modules) and DATABASE_URL; prints its port once listening.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.PEER_MODULES, 'noop.js'));
const { postgraphile } = require('postgraphile');
const aggregates = require('@graphile/pg-aggregates');

const middleware = postgraphile(process.env.DATABASE_URL, 'public', {
  appendPlugins: [aggregates.default ?? aggregates],
  disableQueryLog: true,
  retryOnInitFail: false,
  graphqlRoute: '/graphql',
});
const server = createServer(middleware);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`peer listening on ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
