import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../lib/free-port.ts';

/**
 * The peer a user would pick instead of coopstat: PostGraphile 4 + @graphile/pg-aggregates over
 * the machine's PostgreSQL (Debian's `postgresql` package), set up at bench time and torn down
 * after. Nothing here is a dependency of the project: PostGraphile is installed into the
 * git-ignored `bench/.peer/` with `npm install --prefix`, and PostgreSQL runs from a scratch data
 * folder on a loopback port of its own (as the `postgres` user when the bench runs as root).
 */

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The scratch install (git-ignored). */
export const PEER_DIR = fileURLToPath(new URL('../.peer/', import.meta.url));
/** The versions the issue compares with. */
export const PEER_PACKAGES = ['postgraphile@4.14.1', '@graphile/pg-aggregates@0.1.1'] as const;

/** The peer's table: one row per province × year × organisation type × sector (the facts' sectors). */
export const PEER_TABLE_SQL = `
create table org_facts (
  year int not null,
  province_code text not null,
  province_name text not null,
  org_type text not null,
  sector text not null,
  organisations bigint,
  members bigint,
  rated_good bigint,
  rated_fair bigint,
  in_value_chain bigint,
  high_tech bigint
);`;

function packageVersion(name: string): string | null {
  const path = join(PEER_DIR, 'node_modules', name, 'package.json');
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
    : null;
}

/** Installs PostGraphile and pg-aggregates into `bench/.peer/` unless they are there already. */
export async function ensurePeerInstalled(
  log: (line: string) => void,
): Promise<{ postgraphile: string; pgAggregates: string }> {
  const wanted = PEER_PACKAGES.map((p) => p.slice(p.lastIndexOf('@') + 1));
  if (
    packageVersion('postgraphile') !== wanted[0] ||
    packageVersion('@graphile/pg-aggregates') !== wanted[1]
  ) {
    log(`installing ${PEER_PACKAGES.join(' ')} into ${PEER_DIR}`);
    await mkdir(PEER_DIR, { recursive: true });
    await run(
      'npm',
      ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', ...PEER_PACKAGES],
      {
        maxBuffer: 10_000_000,
      },
    );
  }
  return {
    postgraphile: packageVersion('postgraphile') ?? 'missing',
    pgAggregates: packageVersion('@graphile/pg-aggregates') ?? 'missing',
  };
}

/** The newest PostgreSQL server binaries on the machine (`/usr/lib/postgresql/<major>/bin`). */
async function postgresBin(): Promise<{ bin: string; major: number }> {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? (await readdir(root))
        .map(Number)
        .filter((n) => Number.isInteger(n) && existsSync(join(root, String(n), 'bin', 'pg_ctl')))
    : [];
  if (majors.length === 0)
    throw new Error(
      'no PostgreSQL server under /usr/lib/postgresql: apt-get update && apt-get install -y postgresql',
    );
  const major = Math.max(...majors);
  return { bin: join(root, String(major), 'bin'), major };
}

/** A PostgreSQL server on a scratch data folder. */
export interface Postgres {
  readonly version: string;
  readonly port: number;
  readonly url: string;
  /** The postmaster and its children now (backends, writers): for memory samples. */
  pids(): number[];
  /** Runs SQL through psql (the machine's client), failing on the first error. */
  psql(sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** `initdb` + `pg_ctl start` on a fresh folder, trust authentication, loopback only. */
export async function startPostgres(log: (line: string) => void): Promise<Postgres> {
  const { bin } = await postgresBin();
  const root = await mkdtemp(join(tmpdir(), 'coopstat-peer-'));
  await chmod(root, 0o755);
  const data = join(root, 'data');
  await mkdir(data);
  const asRoot = process.getuid?.() === 0;
  const as = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(data, uid, gid);
  }
  const exec = (file: string, args: string[]) =>
    run(as[0] ?? join(bin, file), as.length ? [...as.slice(1), join(bin, file), ...args] : args, {
      maxBuffer: 10_000_000,
    });
  const port = await freePort();
  await exec('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await exec('pg_ctl', [
    '-D',
    data,
    '-l',
    join(data, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${data}`,
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const psql = async (sql: string) =>
    (
      await run(
        'psql',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '-X',
          '-q',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          sql,
        ],
        { maxBuffer: 10_000_000 },
      )
    ).stdout.trim();
  const version = await psql('show server_version');
  log(`PostgreSQL ${version} on 127.0.0.1:${port} (${data})`);
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    version,
    port,
    url,
    pids: () => [postmaster, ...childrenOf(postmaster)],
    psql,
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The direct children of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Creates the peer's table and fills it from a CSV (with a header) written by DuckDB. */
export async function loadPeerTable(pg: Postgres, csv: string): Promise<number> {
  await pg.psql(PEER_TABLE_SQL);
  await pg.psql(
    `\\copy org_facts from '${csv.replaceAll("'", "''")}' with (format csv, header true)`,
  );
  await pg.psql('create index org_facts_year on org_facts (year); analyze org_facts;');
  return Number(await pg.psql('select count(*) from org_facts'));
}

/** The peer's API server process. */
export interface PeerServer {
  readonly graphqlUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts PostGraphile (`bench/peer/peer-server.mjs`) on a free loopback port. */
export async function startPeerServer(databaseUrl: string): Promise<PeerServer> {
  const child: ChildProcess = spawn(process.execPath, [join(HERE, 'peer-server.mjs')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PEER_MODULES: join(PEER_DIR, 'node_modules'),
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /peer listening on (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`PostGraphile exited (${code}): ${stderr.join('').slice(0, 2000)}`)),
    );
  });
  return {
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
