/**
 * Worker thread of a large preview (pool.ts): compiles the members once from workerData, then evaluates each
 * chunk it is sent and answers with the chunk's sequence number, so the main thread can restore input order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkEvaluator, type ChunkEntry, type ChunkSetup } from './chunk.js';

const evaluator = new ChunkEvaluator(workerData as ChunkSetup);
parentPort!.on('message', (message: { seq: number; entries: ChunkEntry[] }) => {
  try {
    parentPort!.postMessage({ seq: message.seq, result: evaluator.evaluate(message.entries) });
  } catch (error) {
    // A bug, not bad input (ZtErrors are results): the main thread rethrows it as an internal error.
    parentPort!.postMessage({ seq: message.seq, crash: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
