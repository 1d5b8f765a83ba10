import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { cacheStatements } from './statementCache.js';
import { runRankTask, type RankTask } from './rankTask.js';

/** The rank worker (rankPool.ts): its own read-only connection, one bm25 task at a time. */
const db = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
cacheStatements(db);
db.pragma('cache_size = -65536');

parentPort!.on('message', (message: { seq: number; task: Omit<RankTask, 'bitmap'> & { bitmap: SharedArrayBuffer | null } }) => {
  try {
    const { bitmap, ...task } = message.task;
    const rows = runRankTask(db, { ...task, bitmap: bitmap ? new Uint8Array(bitmap) : null });
    parentPort!.postMessage({ seq: message.seq, rows });
  } catch (error) {
    parentPort!.postMessage({ seq: message.seq, error: (error as Error).message });
  }
});
