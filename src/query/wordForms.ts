import type { QueryNode, TextTerm } from './ast.js';
import { queryStems, stemmable } from '../text/stems.js';
import { segmentRun, UNSPACED, WORD } from '../text/words.js';

/**
 * The query with each word also looked up among the word forms the index holds (text/forms.ts), the
 * same for every store:
 * - an unquoted word also as its stem in each language (`economique` → `economᚠ`, which the French
 *   messages holding "économiques" have); `"quoted"` words and prefixes (`budg*`) are exact;
 * - a run of Chinese, Japanese or Thai also as the words it is cut into, as a phrase (`港口报告` →
 *   "港口 报告"), quoted or not: cutting words is how those scripts are read, not a word form.
 * Only words that rank take forms (anywhere, subject:, body:); names, addresses and file names are
 * matched as written. `languages`: stem in these only (the languages an archive holds; null: all).
 */
export function withWordForms(node: QueryNode, languages: ReadonlySet<string> | null = null): QueryNode {
  switch (node.kind) {
    case 'text': {
      const variants = formsOf(node, languages);
      return variants.length === 0 ? node : { kind: 'or', children: [node, ...variants] };
    }
    case 'not':
      return { kind: 'not', child: withWordForms(node.child, languages) };
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((child) => withWordForms(child, languages)) };
    default:
      return node;
  }
}

function formsOf(term: TextTerm, languages: ReadonlySet<string> | null): TextTerm[] {
  if (term.prefix || term.forms || !(term.field === null || term.field === 'subject' || term.field === 'body')) return [];
  const words = term.value.match(WORD) ?? [];
  if (words.length === 0) return [];
  const variant = (values: readonly string[], phrase: boolean): TextTerm => ({ ...term, value: values[0]!, phrase, forms: values });
  if (words.every((w) => UNSPACED.test(w))) return [variant([words.flatMap(segmentRun).join(' ')], true)];
  if (term.phrase || words.length > 1 || !stemmable(words[0]!)) return [];
  const stems = queryStems(words[0]!, languages);
  return stems.length === 0 ? [] : [variant(stems, false)];
}
