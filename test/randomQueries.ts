/**
 * Queries made at random (a fixed seed) from pieces that stress the parser and the compilers:
 * operators in odd places, empty fields, quotes, wildcards, SQL and FTS5 punctuation, other scripts.
 */
const PIECES = ['budget', 'the', 'c*', '*', '"', '""', '"north basin"', 'OR', 'AND', 'NOT', '-', '(', ')', 'from:', 'to:@', 'subject:', 'body:', 'attachment:', 'has:attachment', 'filetype:', 'filetype:%', 'after:2015', 'before:2015-13', 'release:0', 'folder:', 'dkim:pass', 'thread:', 'id:', 'id:<x@y>', 'NEAR', '^', ':', '@', 'é', 'ß', '😀', "'", ';', '--', '\\', '%', '_', 'a*b', '"a*"', 'x:y', 'from:"Hélène Dubois"', '-(', 'OR OR', '0', '-1', 'harb*', 'folder:sent', 'dkim:none', 'release:2', 'quay', 'to:siobhan@meridian-port.example.org'];

export function* randomQueries(count: number, seed = 7): Generator<string> {
  let state = seed;
  const next = (n: number) => (state = (state * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < count; i++) yield Array.from({ length: 1 + next(5) }, () => PIECES[next(PIECES.length)]).join(next(3) === 0 ? '' : ' ');
}
