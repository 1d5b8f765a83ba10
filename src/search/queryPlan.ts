import type { QueryNode, TextTerm } from '../query/ast.js';

/** What a query's shape says of how it is answered, the same for every store: which words rank, which only filter. */

/**
 * The positive content words of a query, in order: what ranks results. Words
 * anywhere, in the subject or the body rank; names and addresses (from: to: cc: bcc:) and file names
 * (attachment:) only filter, as from:address always did: ranking `from:@example.com` by how often
 * "example" and "com" occur in a sender field says nothing, and cost a bm25 pass over every match.
 */
export function rankTerms(node: QueryNode): TextTerm[] {
  return positiveWords(node).filter(ranks);
}

export function ranks(term: TextTerm): boolean {
  return term.field === null || term.field === 'subject' || term.field === 'body';
}

/** Whether every message the node finds holds one of its rank words. */
export function holdsRankWord(node: QueryNode): boolean {
  switch (node.kind) {
    case 'text':
      return ranks(node);
    case 'and':
      return node.children.some(holdsRankWord);
    case 'or':
      return node.children.every(holdsRankWord);
    default:
      return false;
  }
}

/** Whether the node has a text term anywhere, under a NOT too. */
export function hasWords(node: QueryNode): boolean {
  return node.kind === 'text' || (node.kind === 'not' ? hasWords(node.child) : node.kind !== 'field' && node.children.some(hasWords));
}

/** Every text term not under a NOT, in order (what snippets mark). */
export function positiveWords(node: QueryNode): TextTerm[] {
  const leaves: TextTerm[] = [];
  const stack: QueryNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'text') leaves.push(n);
    else if (n.kind === 'and' || n.kind === 'or') stack.push(...[...n.children].reverse());
  }
  return leaves;
}
