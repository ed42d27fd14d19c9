/** `empathy-lab serve` as a real process (the built CLI), for tests and benchmarks that need sockets. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerProcess {
  readonly base: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr. */
  readonly stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const BIN = path.resolve(import.meta.dirname, '../../bin/empathy-lab.js');

export function startServer(dir: string, args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', dir, '--port', '0', '--admin-token', 'admin-token-for-tests', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => void (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /participants: (http:\/\/[^\s]+)\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        base: m[1] as string,
        child,
        stderr: () => err,
        // serve stops within its 10 s grace period; a process still running after 30 s is killed,
        // so that a test's clean-up cannot hang (the test that cares asserts how it stopped).
        stop: (signal = 'SIGTERM') =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => {
              err += '\n[test helper: serve did not stop within 30 s of ' + signal + '; killed]\n';
              child.kill('SIGKILL');
            }, 30_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill(signal);
          }),
      });
    });
  });
}
