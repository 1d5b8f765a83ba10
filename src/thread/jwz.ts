/**
 * JWZ threading (https://www.jwz.org/doc/threading.html), written for archives:
 *  - every parent link says what proves it: `references` (the References header), `in-reply-to`
 *    (only In-Reply-To named it), or `subject` (inferred: a "Re:" whose parent is unknown, attached
 *    to the first message with that subject; the fallback can be switched off);
 *  - parents never ingested stay as empty containers (ghosts), identified by their Message-ID;
 *  - reference loops are broken (a link that would close a loop is not made);
 *  - two messages with one Message-ID (copies) both take part; the second gets its own container;
 *  - no recursion on user data: deep threads cannot overflow the stack.
 */
import type { ParentEvidence, ThreadAssignment, ThreadInput } from '../model/message.js';

export type { ParentEvidence, ThreadAssignment, ThreadInput } from '../model/message.js';

interface Container {
  readonly key: string;
  message: ThreadInput | null;
  parent: Container | null;
  evidence: ParentEvidence | null;
  readonly children: Set<Container>;
}

const REPLY_PREFIX = /^\s*((re|fwd?|aw|tr|sv|vs|antw|réf|rif)\s*(\[\d+\])?\s*:\s*)+/i;

/** Subject without reply/forward prefixes and list tags, case and space folded: the grouping key. */
export function baseSubject(subject: string | null): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/^\[[^\]]{1,40}\]\s*/, '').replace(REPLY_PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.toLowerCase();
}

export function isReplySubject(subject: string | null): boolean {
  return REPLY_PREFIX.test((subject ?? '').replace(/^\[[^\]]{1,40}\]\s*/, ''));
}

/**
 * References a message can bring to threading, at most. Real clients write a few dozen (they trim
 * long chains); a hostile header with 40,000 made threading quadratic (29.6 s for 3,229 fuzzed
 * messages). The first (the thread's root) and the last ones (the nearest ancestors) are kept; the
 * stored message keeps them all.
 */
export const MAX_REFERENCES = 100;

export function boundedReferences(references: readonly string[]): string[] {
  if (references.length <= MAX_REFERENCES) return [...references];
  return [references[0]!, ...references.slice(references.length - (MAX_REFERENCES - 1))];
}

/** True if `ancestor` is `node` or above it. */
function reaches(ancestor: Container, node: Container): boolean {
  for (let c: Container | null = node; c; c = c.parent) if (c === ancestor) return true;
  return false;
}

function link(parent: Container, child: Container, evidence: ParentEvidence): void {
  if (child.parent === parent) return;
  if (reaches(child, parent)) return; // would close a loop
  child.parent?.children.delete(child);
  child.parent = parent;
  child.evidence = evidence;
  parent.children.add(child);
}

export function threadMessages(messages: readonly ThreadInput[], options: { subjectFallback?: boolean } = {}): ThreadAssignment[] {
  const table = new Map<string, Container>();
  const containerOf = new Map<number, Container>();
  const get = (key: string): Container => {
    let c = table.get(key);
    if (!c) {
      c = { key, message: null, parent: null, evidence: null, children: new Set() };
      table.set(key, c);
    }
    return c;
  };

  // A copy (same Message-ID as an earlier message, other bytes) is placed where the first one is.
  const copies = new Map<number, Container>();
  for (const message of [...messages].sort((a, b) => a.id - b.id)) {
    const shared = message.messageId ? get(message.messageId) : null;
    if (shared?.message) {
      copies.set(message.id, shared);
      continue;
    }
    const own = shared ?? get(`\0${message.id}`);
    own.message = message;
    containerOf.set(message.id, own);

    const refs = boundedReferences(message.references);
    if (message.inReplyTo && refs[refs.length - 1] !== message.inReplyTo) refs.push(message.inReplyTo);
    const chain = refs.filter((r) => r !== message.messageId).map(get);
    // Link the References chain, each to the next, without overriding links already known.
    for (let i = 1; i < chain.length; i++) {
      const child = chain[i]!;
      if (!child.parent) link(chain[i - 1]!, child, 'references');
    }
    const parent = chain[chain.length - 1];
    if (parent) {
      const evidence: ParentEvidence = message.references.length > 0 && message.references.includes(parent.key) ? 'references' : 'in-reply-to';
      link(parent, own, evidence);
    }
  }

  if (options.subjectFallback ?? true) {
    // A root that is a reply ("Re: x") with no known parent goes under the first non-reply root "x".
    const firstBySubject = new Map<string, Container>();
    const roots = [...containerOf.values()].filter((c) => !c.parent).sort((a, b) => a.message!.id - b.message!.id);
    for (const root of roots) {
      const key = baseSubject(root.message!.subject);
      if (key && !isReplySubject(root.message!.subject) && !firstBySubject.has(key)) firstBySubject.set(key, root);
    }
    for (const root of roots) {
      const message = root.message!;
      const hasReferences = message.references.length > 0 || message.inReplyTo !== null;
      const target = firstBySubject.get(baseSubject(message.subject));
      if (!hasReferences && isReplySubject(message.subject) && target && target !== root && target.message!.id < message.id) {
        link(target, root, 'subject');
      }
    }
  }

  // Thread number: the smallest message number under the top container (ghost or message).
  // Tops are remembered along each path walked, so deep threads cost one walk, not one per message.
  const tops = new Map<Container, Container>();
  const top = (c: Container): Container => {
    const path: Container[] = [];
    let t = c;
    for (let known = tops.get(t); !known && t.parent; known = tops.get(t)) {
      path.push(t);
      t = t.parent;
    }
    t = tops.get(t) ?? t;
    for (const p of path) tops.set(p, t);
    return t;
  };
  const threadNumber = new Map<Container, number>();
  for (const [id, c] of containerOf) {
    const t = top(c);
    const known = threadNumber.get(t);
    if (known === undefined || id < known) threadNumber.set(t, id);
  }
  const out: ThreadAssignment[] = [];
  for (const [id, c] of [...containerOf, ...copies]) {
    out.push({
      id,
      threadId: threadNumber.get(top(c))!,
      parentId: c.parent?.message?.id ?? null,
      parentMessageId: c.parent ? (c.parent.message?.messageId ?? (c.parent.key.startsWith('\0') ? null : c.parent.key)) : null,
      evidence: c.parent ? c.evidence : null,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}
