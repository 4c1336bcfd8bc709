/**
 * Where chunks run: on the main thread (small inputs, tests) or on worker threads (large inputs: both cores).
 * Results come back as promises; the engine awaits them in the order it sent the chunks, so findings keep the
 * input's order whichever worker finishes first.
 */
import { Worker } from 'node:worker_threads';
import { ChunkEvaluator, type ChunkEntry, type ChunkResult, type ChunkSetup } from './chunk.js';

export interface ChunkRunner {
  /** Chunks that may be in flight at once before the engine waits for the oldest. */
  readonly capacity: number;
  run(entries: ChunkEntry[]): Promise<ChunkResult>;
  close(): Promise<void>;
}

export function inlineRunner(setup: ChunkSetup): ChunkRunner {
  const evaluator = new ChunkEvaluator(setup);
  return { capacity: 1, run: async (entries) => evaluator.evaluate(entries), close: async () => {} };
}

/**
 * A worker running worker.js next to this module once built. From source (tsx, vitest) it runs worker.ts, and
 * must register tsx's loader itself first: Node 20 does not apply `--import` hooks given in a worker's execArgv
 * (tried: ERR_UNKNOWN_FILE_EXTENSION), so a two-line bootstrap registers it through tsx's API, then imports it.
 */
function startWorker(setup: ChunkSetup): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: setup });
  const api = import.meta.resolve('tsx/esm/api');
  const script = new URL('./worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`, { eval: true, workerData: setup });
}

export function workerRunner(setup: ChunkSetup, count: number): ChunkRunner {
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void; worker: number }>();
  const busy: number[] = [];
  let dead: Error | undefined;
  let closing = false;
  const workers = Array.from({ length: count }, (_, w) => {
    const worker = startWorker(setup);
    busy.push(0);
    worker.on('message', (m: { seq: number; result?: ChunkResult; crash?: string }) => {
      const job = waiting.get(m.seq);
      if (!job) return;
      waiting.delete(m.seq);
      busy[job.worker]!--;
      if (m.result) job.resolve(m.result);
      else job.reject(new Error(`evaluation worker failed: ${m.crash ?? 'no result'}`));
    });
    // A worker that dies (its script fails to load, or it crashes) fails its jobs and every later one: a job
    // posted to a dead worker would never be answered and the run would end with nothing said.
    const fail = (error: Error) => {
      dead ??= error;
      for (const [s, job] of waiting) {
        if (job.worker !== w) continue;
        waiting.delete(s);
        job.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`evaluation worker ${w + 1} exited with code ${code} before the evaluation ended`));
    });
    return worker;
  });
  return {
    // Two chunks per worker: one running, one queued, so a worker never waits for the main thread.
    capacity: count * 2,
    run(entries) {
      if (dead) return Promise.reject(dead);
      let w = 0;
      for (let i = 1; i < busy.length; i++) if (busy[i]! < busy[w]!) w = i;
      busy[w]!++;
      const s = seq++;
      return new Promise((resolve, reject) => {
        waiting.set(s, { resolve, reject, worker: w });
        workers[w]!.postMessage({ seq: s, entries });
      });
    },
    close: async () => {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
