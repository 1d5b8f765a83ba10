import type { MessageSummary } from '../store/archiveStore.js';

const EVIDENCE_LABEL = {
  references: '',
  'in-reply-to': ' [in-reply-to only]',
  subject: ' [inferred from subject]',
} as const;

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

/** The thread as an indented tree, one line per message; `mark` is flagged with an arrow. */
export function formatThread(messages: readonly MessageSummary[], mark: number | null): string {
  const lines: string[] = [];
  // Depth-first without recursion: a thread can be thousands deep.
  const stack: Array<{ node: ThreadNode; depth: number }> = buildThreadTree(messages)
    .reverse()
    .map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const indent = '  '.repeat(depth);
    const m = node.message;
    if (m) {
      const date = m.dateUtc !== null ? new Date(m.dateUtc).toISOString().slice(0, 10) : '----------';
      const from = m.from ? m.from.name || m.from.address : '(no sender)';
      const evidence = m.parentEvidence ? EVIDENCE_LABEL[m.parentEvidence] : '';
      lines.push(`${m.id === mark ? '→' : ' '} ${indent}${m.id}  ${date}  ${from} — ${m.subject ?? '(no subject)'}${evidence}`);
    } else lines.push(`  ${indent}[not in the archive] <${node.missingMessageId}>`);
    for (const child of [...node.children].reverse()) stack.push({ node: child, depth: depth + 1 });
  }
  return lines.join('\n');
}
