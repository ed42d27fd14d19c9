/** A power-simulation worker: receives the design, model and test once, then ranges of simulation indices. */
import { parentPort, workerData } from 'node:worker_threads';
import { runSimulation, type PowerDesign, type PowerModel, type PowerTest } from '../stats/power.js';

const { design, model, test, seed } = workerData as { design: PowerDesign; model: PowerModel; test: PowerTest; seed: number };
const port = parentPort;
if (port) {
  port.on('message', (message: { from: number; to: number } | 'stop') => {
    if (message === 'stop') return port.close();
    const results = [];
    for (let i = message.from; i < message.to; i++) results.push(runSimulation(design, model, test, seed, i));
    port.postMessage(results);
  });
}
