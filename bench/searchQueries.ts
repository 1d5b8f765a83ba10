import type { ArchiveReader } from '../src/store/archiveStore.js';
import { parseQuery } from '../src/query/parseQuery.js';

/** The fixed query list of the search benchmarks (bench/search.ts, bench/stores.ts) and its peers' spellings. */
export interface BenchQuery {
  readonly kind: string;
  readonly epistola: string;
  readonly notmuch: string;
  readonly mu: string;
}

export const QUERIES: readonly BenchQuery[] = [
  { kind: 'rare word', epistola: 'interprete', notmuch: 'interprète', mu: 'interprète' },
  { kind: 'common word', epistola: 'budget', notmuch: 'budget', mu: 'budget' },
  { kind: 'very common word', epistola: 'the', notmuch: 'the', mu: 'the' },
  { kind: 'two words', epistola: 'crane maintenance', notmuch: 'crane and maintenance', mu: 'crane AND maintenance' },
  { kind: 'phrase', epistola: '"north basin"', notmuch: '"north basin"', mu: '"north basin"' },
  { kind: 'OR', epistola: 'ferry OR tug', notmuch: 'ferry or tug', mu: 'ferry OR tug' },
  { kind: 'negation', epistola: 'budget -dredging', notmuch: 'budget and not dredging', mu: 'budget AND NOT dredging' },
  { kind: 'prefix', epistola: 'dredg*', notmuch: 'dredg*', mu: 'dredg*' },
  { kind: 'subject word', epistola: 'subject:strike', notmuch: 'subject:strike', mu: 'subject:strike' },
  { kind: 'subject phrase', epistola: 'subject:"budget review"', notmuch: 'subject:"budget review"', mu: 'subject:"budget review"' },
  {
    kind: 'from: address',
    epistola: 'from:jweiss@dredging-partners.example.com',
    notmuch: 'from:jweiss@dredging-partners.example.com',
    mu: 'from:jweiss@dredging-partners.example.com',
  },
  {
    kind: 'from: domain + year',
    epistola: 'from:@dredging-partners.example.com after:2015 before:2016',
    notmuch: 'from:dredging-partners.example.com and date:2015-01-01..2015-12-31',
    mu: 'from:dredging-partners.example.com AND date:20150101..20151231',
  },
  {
    kind: 'to: address',
    epistola: 'to:zoe.martin@meridian-port.example.org',
    notmuch: 'to:zoe.martin@meridian-port.example.org',
    mu: 'to:zoe.martin@meridian-port.example.org',
  },
  { kind: 'date range', epistola: 'after:2015-03 before:2015-04', notmuch: 'date:2015-03-01..2015-03-31', mu: 'date:20150301..20150331' },
  { kind: 'has:attachment', epistola: 'has:attachment', notmuch: 'tag:attachment', mu: 'flag:attach' },
  { kind: 'filetype', epistola: 'filetype:pdf', notmuch: 'mimetype:application/pdf', mu: 'mime:application/pdf' },
  { kind: 'attachment + word', epistola: 'has:attachment budget', notmuch: 'tag:attachment and budget', mu: 'flag:attach AND budget' },
  { kind: 'folder', epistola: 'folder:Sent', notmuch: 'folder:.Sent', mu: 'maildir:/.Sent' },
  { kind: 'folder + word', epistola: 'folder:Press harbour', notmuch: 'folder:.Press and harbour', mu: 'maildir:/.Press AND harbour' },
  { kind: 'accented (folded)', epistola: 'équatorien', notmuch: 'équatorien', mu: 'équatorien' },
  { kind: 'French words', epistola: 'délai supplémentaire', notmuch: 'délai and supplémentaire', mu: 'délai AND supplémentaire' },
  { kind: 'word, date order', epistola: 'remorqueur', notmuch: 'remorqueur', mu: 'remorqueur' },
];

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs one benchmark query `runs` times as the web server does (one page of 20, facets); ms per run. */
export async function timeQuery(store: ArchiveReader, q: BenchQuery, runs: number): Promise<{ times: number[]; total: number }> {
  const ast = parseQuery(q.epistola);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    total = (await store.search(ast, { sort: q.kind.includes('date order') ? 'date' : 'relevance', limit: 20, facets: true })).total;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { times, total };
}
