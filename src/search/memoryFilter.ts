import type { FieldTerm, QueryNode } from '../query/ast.js';
import { VERDICT_CLASSES } from '../verify/report.js';
import type { FacetIndex } from './facetIndex.js';

/** Whether message number `id` meets a condition. */
export type IdTest = (id: number) => boolean;

/** A store's test for a condition the columns cannot answer, from a set of numbers it reads once (null: none). */
export type IdSets = (term: FieldTerm) => IdTest | null;

/** A test for membership of a set of message numbers (those above `maxId` are not in the archive's columns). */
export function memberTest(ids: Iterable<number>, maxId: number): IdTest {
  const members = new Uint8Array(maxId + 1);
  for (const id of ids) if (id <= maxId) members[id] = 1;
  return (id) => members[id] === 1;
}

/** ASCII case folding only, as SQLite's NOCASE (and the folder condition of every store). */
function foldAscii(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * The field conditions the in-memory columns (facetIndex.ts) can answer: folder, after/before,
 * release, dkim, has:attachment, filetype, id:<number>. Read through their SQL indexes, folder:Sent (40% of
 * 100k messages) took 6 ms and a month's date range 3.5 ms before a search had done anything
 * else; from the typed arrays a pass over every message number takes ~0.3 ms. Each case means
 * exactly what queryCompiler.ts's SQL for it means (test/e2e/storeConformance.test.ts compares
 * with PostgreSQL, which runs the SQL). `sets` may answer more (addresses: idSetSql); anything
 * else (threads, words) returns null and stays in SQL.
 */
export function memoryTest(node: QueryNode, index: FacetIndex, sets: IdSets = () => null): IdTest | null {
  switch (node.kind) {
    case 'text':
      return null;
    case 'field':
      return fieldTest(node, index) ?? sets(node);
    case 'not': {
      const child = memoryTest(node.child, index, sets);
      return child && ((id) => !child(id));
    }
    case 'and':
    case 'or': {
      const children = node.children.map((c) => memoryTest(c, index, sets));
      if (!children.every((c): c is IdTest => c !== null)) return null;
      if (children.length === 1) return children[0]!;
      // Plain loops: this runs once per message number (closures per call cost ~5 ms at 100k).
      return node.kind === 'and'
        ? (id) => {
            for (const c of children) if (!c(id)) return false;
            return true;
          }
        : (id) => {
            for (const c of children) if (c(id)) return true;
            return false;
          };
    }
  }
}

/** A test over the codes of a single-valued column: true for the codes whose name passes. */
function codeTest(column: { readonly codes: Int32Array; readonly names: readonly string[] }, passes: (name: string) => boolean): IdTest {
  const yes = Uint8Array.from(column.names, (name) => (passes(name) ? 1 : 0));
  return (id) => {
    const code = column.codes[id] ?? -1;
    return code >= 0 && yes[code] === 1;
  };
}

function fieldTest(term: FieldTerm, index: FacetIndex): IdTest | null {
  switch (term.field) {
    case 'has':
      return (id) => index.withAttachments[id] === 1;
    case 'after': {
      const from = term.value;
      return (id) => index.dates[id]! >= from; // undated: NaN, never in a range
    }
    case 'before': {
      const until = term.value;
      return (id) => index.dates[id]! < until;
    }
    case 'release': {
      // releases[] holds 0 for "in none", which no release number equals.
      const release = term.value;
      return (id) => release !== 0 && index.releases[id] === release;
    }
    case 'folder': {
      // The folder itself or a sub-folder "folder/…", ASCII case folded.
      const folder = foldAscii(term.value);
      return codeTest(index.column('folder'), (name) => {
        const f = foldAscii(name);
        return f === folder || (f.startsWith(`${folder}/`) && f.length > folder.length + 1);
      });
    }
    case 'lang': {
      const lang = term.value;
      return codeTest(index.column('language'), (name) => name === lang);
    }
    case 'dkim': {
      // Never checked is NULL in SQL and "unverified" in the column; only none/unverified take it.
      const verdicts = new Set<string>(term.value in VERDICT_CLASSES ? VERDICT_CLASSES[term.value as keyof typeof VERDICT_CLASSES] : [term.value]);
      if (term.value === 'none' || term.value === 'unverified') verdicts.add('unverified');
      return codeTest(index.column('verdict'), (name) => verdicts.has(name));
    }
    case 'filetype': {
      // SQL: lower(filename) LIKE '%.<v>' OR lower(content_type) LIKE '%/<v>'. A value with LIKE's
      // wildcards (% _) or other signs stays in SQL, where they mean what they mean there.
      const value = term.value;
      if (!/^[a-z0-9.+-]+$/.test(value)) return null;
      return index.anyFile((v) => (v.startsWith('name:') ? foldAscii(v).endsWith(`.${value}`) : foldAscii(v).endsWith(`/${value}`)));
    }
    case 'id': {
      const wanted = term.value;
      return typeof wanted === 'number' ? (id) => id === wanted : null;
    }
    default:
      return null;
  }
}

/**
 * The same for a store that reads sets asynchronously (PostgreSQL): null unless the whole query can
 * be answered in memory; then only the sets it needs are read, all at once.
 */
export async function memoryTestWith(node: QueryNode, index: FacetIndex, read: (term: FieldTerm) => Promise<IdTest | null>): Promise<IdTest | null> {
  const wanted: FieldTerm[] = [];
  if (memoryTest(node, index, (term) => (wanted.push(term), () => true)) === null) return null;
  const tests = await Promise.all(wanted.map(read));
  if (tests.some((t) => t === null)) return null;
  const byTerm = new Map(wanted.map((term, i) => [term, tests[i]!]));
  return memoryTest(node, index, (term) => byTerm.get(term) ?? null);
}
