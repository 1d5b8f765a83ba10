import type { MessageSummary } from '../model/message.js';
import { threadOrder } from '../thread/threadTree.js';

const EVIDENCE_LABEL = {
  references: '',
  'in-reply-to': ' [in-reply-to only]',
  subject: ' [inferred from subject]',
} as const;

/** The thread as an indented tree, one line per message; `mark` is flagged with an arrow. */
export function formatThread(messages: readonly MessageSummary[], mark: number | null): string {
  const lines: string[] = [];
  for (const { node, depth } of threadOrder(messages)) {
    const indent = '  '.repeat(depth);
    const m = node.message;
    if (m) {
      const date = m.dateUtc !== null ? new Date(m.dateUtc).toISOString().slice(0, 10) : '----------';
      const from = m.from ? m.from.name || m.from.address : '(no sender)';
      const evidence = m.parentEvidence ? EVIDENCE_LABEL[m.parentEvidence] : '';
      lines.push(`${m.id === mark ? '→' : ' '} ${indent}${m.id}  ${date}  ${from} — ${m.subject ?? '(no subject)'}${evidence}`);
    } else lines.push(`  ${indent}[not in the archive] <${node.missingMessageId}>`);
  }
  return lines.join('\n');
}
