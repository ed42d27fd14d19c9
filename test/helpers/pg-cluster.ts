/**
 * A Postgres cluster of the test's own (initdb + pg_ctl on a free port), so that a test can stop,
 * restart and freeze the database under a running `serve` without touching the shared server.
 * Run as the `postgres` user when the tests run as root (initdb refuses root).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The directory of initdb and pg_ctl (Debian: /usr/lib/postgresql/N/bin), or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const v of readdirSync(root).sort().reverse()) {
    const bin = path.join(root, v, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** A fast shutdown: every connection is closed and new ones are refused. */
  stop(): Promise<void>;
  /** SIGSTOP (true) or SIGCONT (false) to every process of the cluster: a database that does not answer. */
  freeze(frozen: boolean): Promise<void>;
  destroy(): Promise<void>;
}

export async function createPgCluster(bin: string): Promise<PgCluster> {
  const root = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) => (root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'el-pgcluster-'));
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  await as(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctl = (args: string[]) => as(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const postmaster = async () => Number((await readFile(path.join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children = async (parent: number): Promise<number[]> => {
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(parent)]).catch(() => ({ stdout: '' }));
    return stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  };
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: async () => void (await ctl(['-o', options, '-l', path.join(dir, 'log'), '-w', 'start'])),
    stop: async () => void (await ctl(['-m', 'fast', '-w', 'stop'])),
    // The postmaster first when freezing (so that it forks no backend after its children are
    // listed), last when thawing.
    freeze: async (frozen) => {
      const main = await postmaster();
      if (frozen) process.kill(main, 'SIGSTOP');
      for (const pid of await children(main)) process.kill(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
      if (!frozen) process.kill(main, 'SIGCONT');
    },
    destroy: async () => {
      await cluster.freeze(false).catch(() => undefined);
      await ctl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
