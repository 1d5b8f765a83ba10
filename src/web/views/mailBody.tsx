import type { VNode } from 'preact';
import type { Lang } from '../i18n.js';
import { withMarkers } from './redactionPanel.js';
import { isQuotedLine } from '../../text/quotes.js';

/** Quoted runs shorter than this stay open: folding two lines hides more than it saves. */
const FOLD_QUOTED_LINES = 4;

/**
 * A plain-text body as readers expect it: a long run of quoted lines ("> …", what the reply
 * answers) folded under a summary that says how many lines it holds, the signature after the
 * "-- " line dimmed. Nothing is dropped: every byte of the text is in the page (search engines and
 * "find in page" see the folded text too), and redaction markers are drawn as everywhere else.
 */
export function MailBody(props: { text: string; lang: Lang }): VNode {
  const lines = props.text.split('\n');
  const blocks: Array<{ kind: 'text' | 'quoted' | 'signature'; lines: string[] }> = [];
  let inSignature = false;
  for (const line of lines) {
    if (!inSignature && line.replace(/\r$/, '') === '-- ') inSignature = true;
    const kind = inSignature ? 'signature' : isQuotedLine(line) ? 'quoted' : 'text';
    const last = blocks.at(-1);
    if (last && last.kind === kind) last.lines.push(line);
    else blocks.push({ kind, lines: [line] });
  }
  const fr = props.lang === 'fr';
  return (
    // A div kept as preformatted text by the stylesheet: a pre may not hold the details of a fold.
    <div class="body">
      {blocks.map((b, i) => {
        // The newline that ends a block belongs to it, so the text reads the same folded or not.
        const text = b.lines.join('\n') + (i < blocks.length - 1 ? '\n' : '');
        if (b.kind === 'signature')
          return (
            <span class="signature" key={i}>
              {withMarkers(text)}
            </span>
          );
        if (b.kind === 'quoted' && b.lines.length >= FOLD_QUOTED_LINES)
          return (
            <details class="quoted" key={i}>
              <summary>{fr ? `Texte cité (${b.lines.length} lignes)` : `Quoted text (${b.lines.length} lines)`}</summary>
              <span class="quote">{withMarkers(text)}</span>
            </details>
          );
        return (
          <span key={i} class={b.kind === 'quoted' ? 'quote' : undefined}>
            {withMarkers(text)}
          </span>
        );
      })}
    </div>
  );
}
