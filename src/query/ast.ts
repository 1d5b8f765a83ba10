import type { Verdict } from '../verify/report.js';
import type { FieldName } from './fields.js';

/** The parsed query. Each store compiles it (store/sqlite/compileQuery.ts, later the PostgreSQL one). */
export type QueryNode =
  | { readonly kind: 'and'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly child: QueryNode }
  | TextTerm
  | FieldTerm;

/** Words to find in the full-text index; `field` null means anywhere. */
export interface TextTerm {
  readonly kind: 'text';
  readonly field: 'subject' | 'body' | 'doc' | 'attachment' | 'from' | 'to' | 'cc' | 'bcc' | null;
  readonly value: string;
  readonly phrase: boolean;
  readonly prefix: boolean;
  readonly position: number;
  /**
   * Set by withWordForms only: the term is looked up among the word forms the index holds (stems, cut
   * words of unspaced scripts: text/forms.ts), as any of these values (`value` is the first), not as written.
   */
  readonly forms?: readonly string[];
}

/** A structured condition. Values are already checked and normalised by the parser. */
export type FieldTerm =
  | { readonly kind: 'field'; readonly field: 'has'; readonly value: 'attachment'; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'filetype' | 'folder' | 'lang'; readonly value: string; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'after' | 'before'; readonly value: number; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'release' | 'thread'; readonly value: number; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'dkim'; readonly value: DkimValue; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'id'; readonly value: number | string; readonly position: number }
  | { readonly kind: 'field'; readonly field: 'address'; readonly role: 'from' | 'to' | 'cc' | 'bcc'; readonly value: string; readonly position: number };

export type { FieldName };

/** dkim: takes a class (pass, fail, none) or an exact verdict; `unverified` is what was never checked. */
export type DkimValue = 'pass' | 'fail' | 'none' | 'unverified' | Verdict;

/** The query of every message: an AND of nothing (what the home page's chart and the indexes count). */
export const EVERY_MESSAGE: QueryNode = { kind: 'and', children: [] };
