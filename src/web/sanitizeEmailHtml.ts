import sanitizeHtml from 'sanitize-html';

/**
 * Untrusted email HTML → HTML that can neither run code nor load anything from elsewhere. First of
 * two walls: the result is also shown in a sandboxed iframe under a CSP that forbids scripts and
 * remote loads (see securityHeaders.ts), so a sanitizer bug alone does not reach the reader.
 * Remote images become a visible placeholder (no tracking pixel is fetched); `cid:` images point
 * at the message's own parts.
 */

export interface SanitizeOptions {
  /** URL of an inline part by its Content-ID (without <>), or null when the message has no such part. */
  readonly cidUrl: (contentId: string) => string | null;
  readonly remoteImageLabel: string;
}

export interface SanitizedHtml {
  readonly html: string;
  /** Remote images replaced by the placeholder. */
  readonly blockedImages: number;
}

const ALLOWED_TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'caption',
  'center',
  'code',
  'dd',
  'del',
  'div',
  'dl',
  'dt',
  'em',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'li',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
];

/** CSS properties kept in style="": no url(), no position, nothing that loads or overlays. */
const SAFE_VALUE = [/^[#\w\s.,%()-]+$/];
const ALLOWED_STYLES = Object.fromEntries(
  [
    'color',
    'background-color',
    'text-align',
    'font-weight',
    'font-style',
    'text-decoration',
    'font-size',
    'font-family',
    'margin',
    'padding',
    'border',
    'width',
    'vertical-align',
  ].map((p) => [p, SAFE_VALUE]),
);

export function sanitizeEmailHtml(html: string, options: SanitizeOptions): SanitizedHtml {
  let blockedImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color'],
      span: ['class', 'title'],
      '*': ['style', 'dir', 'lang'],
    },
    allowedStyles: { '*': ALLOWED_STYLES },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    // Dropped with their content: nothing inside them is text a reader should see.
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'svg', 'math', 'iframe', 'object', 'template'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs): sanitizeHtml.Tag => {
        const src = attribs.src ?? '';
        const local = /^cid:/i.test(src) ? options.cidUrl(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, '')) : null;
        if (local) return { tagName, attribs: { ...attribs, src: local } };
        blockedImages++;
        return { tagName: 'span', attribs: { class: 'remote-image', title: options.remoteImageLabel }, text: `[${options.remoteImageLabel}]` };
      },
    },
    // Relative cid URLs are ours: keep them although img has no scheme allowed.
    allowedSchemesAppliedToAttributes: ['href', 'cite'],
  });
  return { html: clean, blockedImages };
}
