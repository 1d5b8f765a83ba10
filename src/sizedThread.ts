import { Worker, type ResourceLimits } from 'node:worker_threads';
import { rebuildError, type PostedError } from './errors.js';

/**
 * A long job (an ingest, an export) on a thread of its own, so that its heap can be sized, which
 * the main thread's cannot be once Node has started. The thread posts progress as it goes, then
 * its summary or its error; the expected errors get their class back.
 */
export type ThreadReply<P, S> = { readonly progress: P } | { readonly summary: S } | { readonly error: PostedError };

export function runSizedThread<P, S>(
  module: URL,
  workerData: unknown,
  resourceLimits: ResourceLimits,
  onProgress: (progress: P) => void,
  /** What to say when the thread stops without an answer (it ran out of memory, it was killed). */
  stopped: (exitCode: number) => string,
): Promise<S> {
  const worker = new Worker(module, { workerData, resourceLimits });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (reply: ThreadReply<P, S>) => {
      if ('progress' in reply) return onProgress(reply.progress);
      settled = true;
      if ('summary' in reply) resolve(reply.summary);
      else reject(rebuildError(reply.error));
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(stopped(code)));
    });
  });
}
