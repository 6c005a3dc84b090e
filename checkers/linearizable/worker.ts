/**
 * Worker-thread entry: checks the partitions the main thread sends, one message per partition.
 * The model is looked up by name, so only registered models run here. Loaded from the compiled
 * build (dist/checkers/linearizable/worker.js).
 */
import { parentPort } from 'node:worker_threads';
import { getModel } from '../models/index.js';
import type { WorkerReply, WorkerRequest } from './parallel.js';
import { checkPartition } from './partition.js';

const port = parentPort;
if (port === null) throw new Error('linearizable/worker.js must run as a worker thread');

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const result = checkPartition(getModel(req.model), req.partition, req.deadline);
    reply = { slot: req.slot, result };
  } catch (e) {
    reply = { slot: req.slot, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
