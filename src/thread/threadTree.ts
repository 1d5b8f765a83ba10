import type { MessageSummary } from '../model/message.js';

/** One node of a thread as shown: a message, or a parent that is not in the archive. */
export interface ThreadNode {
  readonly message: MessageSummary | null;
  readonly missingMessageId: string | null;
  readonly children: ThreadNode[];
}

/** Builds the tree of a thread from its messages' parent links; ghosts group the replies to a missing message. */
export function buildThreadTree(messages: readonly MessageSummary[]): ThreadNode[] {
  const nodes = new Map<number, ThreadNode>(messages.map((m) => [m.id, { message: m, missingMessageId: null, children: [] }]));
  const ghosts = new Map<string, ThreadNode>();
  const roots: ThreadNode[] = [];
  for (const m of messages) {
    const node = nodes.get(m.id)!;
    const parent = m.parentId !== null ? nodes.get(m.parentId) : undefined;
    if (parent) parent.children.push(node);
    else if (m.parentMessageId) {
      let ghost = ghosts.get(m.parentMessageId);
      if (!ghost) {
        ghost = { message: null, missingMessageId: m.parentMessageId, children: [] };
        ghosts.set(m.parentMessageId, ghost);
        roots.push(ghost);
      }
      ghost.children.push(node);
    } else roots.push(node);
  }
  return roots;
}

/**
 * The thread in reading order: each message before its replies, replies in the order they came,
 * with its depth. The CLI and the web reader both show this order.
 */
export function threadOrder(messages: readonly MessageSummary[]): Array<{ readonly node: ThreadNode; readonly depth: number }> {
  const out: Array<{ node: ThreadNode; depth: number }> = [];
  // Depth-first without recursion: a thread can be thousands deep.
  const stack = buildThreadTree(messages)
    .reverse()
    .map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const entry = stack.pop()!;
    out.push(entry);
    for (const child of [...entry.node.children].reverse()) stack.push({ node: child, depth: entry.depth + 1 });
  }
  return out;
}
