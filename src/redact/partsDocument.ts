import type { RedactionNotice } from './redactionRecord.js';

/**
 * /emails/<id>/parts.json of a redacted message: the leaves of its part tree (the published header
 * block, each part's decoded content, each span's commitment) and the root. In a static export the
 * file is in the signed manifest, so the publisher is bound to every unredacted part as released.
 */
export function partsDocument(id: number, sha256: string, notice: RedactionNotice) {
  return {
    format: 'epistola-parts/1' as const,
    message: id,
    sha256,
    root: notice.root,
    leaves: notice.leaves,
    spans: notice.spans.map(({ span, where, commitment }) => ({ span, where, commitment })),
  };
}
