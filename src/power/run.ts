/**
 * Runs a power analysis's simulations on worker threads. Each simulation is seeded by its index
 * (`streamSeed(seed, index)`), and the results are put back in index order, so the answer is the
 * same for any number of workers; one worker runs in this thread.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { runSimulation, type PowerDesign, type PowerModel, type PowerTest, type SimulationResult } from '../stats/power.js';

export interface PowerRunOptions {
  readonly design: PowerDesign;
  readonly model: PowerModel;
  readonly test: PowerTest;
  readonly simulations: number;
  readonly seed: number;
  /** Default: every core (`os.availableParallelism()`). */
  readonly workers?: number;
  /** Called after each batch with the simulations done so far. */
  readonly onProgress?: (done: number) => void;
}

export const defaultWorkers = (): number => Math.max(1, os.availableParallelism());

/**
 * The worker's file: the built one beside this module. When this module runs from its TypeScript
 * source (the tests), the built copy in dist/ (`npm test` builds first: worker threads do not
 * inherit the tests' TypeScript loader).
 */
function workerFile(): URL {
  const self = import.meta.url;
  return self.endsWith('.ts') ? new URL('../../dist/power/worker.js', self) : new URL('./worker.js', self);
}

export async function runPower(o: PowerRunOptions): Promise<SimulationResult[]> {
  const workers = Math.max(1, Math.min(o.workers ?? defaultWorkers(), o.simulations));
  const results: SimulationResult[] = new Array(o.simulations);
  if (workers === 1) {
    for (let i = 0; i < o.simulations; i++) {
      results[i] = runSimulation(o.design, o.model, o.test, o.seed, i);
      o.onProgress?.(i + 1);
      // Let a progress line reach the terminal and a Ctrl-C through between simulations.
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    return results;
  }
  // Small batches keep the workers evenly loaded; each batch is a contiguous index range.
  const batch = Math.max(1, Math.min(8, Math.floor(o.simulations / (workers * 8))));
  let next = 0;
  let done = 0;
  const url = workerFile();
  const pool = Array.from({ length: workers }, () => new Worker(url, { workerData: { design: o.design, model: o.model, test: o.test, seed: o.seed } }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next >= o.simulations) return resolve();
              const from = next;
              next = Math.min(o.simulations, next + batch);
              worker.postMessage({ from, to: next });
            };
            worker.on('message', (batchResults: SimulationResult[]) => {
              for (const r of batchResults) results[r.index] = r;
              done += batchResults.length;
              o.onProgress?.(done);
              give();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (next < o.simulations || code !== 0 ? reject(new Error(`a power worker stopped with exit code ${code}`)) : undefined));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
