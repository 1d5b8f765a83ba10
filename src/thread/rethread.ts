import type { ThreadWriter } from '../store/archiveStore.js';
import { threadMessages } from './jwz.js';

/**
 * Threads the whole archive again and saves what changed. Run after every ingest, so a reply that
 * arrives later joins its old thread (and two threads that a new message links become one).
 * 100k messages take well under a second; only changed rows are written.
 */
export async function rethread(store: ThreadWriter, options: { subjectFallback: boolean }): Promise<{ threads: number; changed: number }> {
  const assignments = threadMessages(await store.threadInputs(), options);
  const changed = await store.saveThreads(assignments);
  return { threads: new Set(assignments.map((a) => a.threadId)).size, changed };
}
