/**
 * Queries over the 300-message demo that every store must answer alike (storeConformance) and
 * whose snippets must come from their own message (snippets): every operator and search path.
 */
export const QUERIES = [
  'budget', 'équatorien', '"north basin"', 'harb*', 'dredging -budget', 'budget OR lunch', 'from:@harbour.example.org', 'subject:terminal',
  'body:interprète', 'attachment:report', 'has:attachment', 'filetype:pdf', 'after:2015-03 before:2016', 'dkim:pass', 'dkim:fail', 'dkim:none',
  'dkim:weak-key', 'folder:sent', 'folder:archive', 'release:2', 'to:priya', 'cc:finance', 'NOT budget', '(quay OR berth) -crane', 'thread:5', 'id:7',
  // Words with field conditions (SQLite answers their first page from the index and memory, later pages in SQL).
  'budget after:2015', 'harbour folder:sent', 'dkim:pass équatorien', 'from:@harbour.example.org dredging -budget', 'quay has:attachment', 'crane OR tug release:1',
  // Field conditions SQLite answers from its in-memory columns (memoryFilter.ts), PostgreSQL in SQL.
  'dkim:unverified', '-folder:sent after:2015', 'folder:Sent OR dkim:fail', 'before:2015-06 has:attachment -release:1', 'release:3 OR id:12', 'NOT (dkim:none OR folder:inbox)',
  'filetype:pdf budget', '-filetype:pdf has:attachment', 'filetype:csv OR filetype:application/pdf', 'filetype:p_f',
  // Full addresses: SQLite reads the set once and tests it in memory, PostgreSQL runs the IN.
  'to:siobhan@meridian-port.example.org', 'from:chloe.garnier@ville-meridien.example.net after:2015', '-to:lea.rousseau@quais-et-docks.example.net folder:sent',
  'cc:mnowak@meridian-port.example.org OR dkim:fail', 'from:siobhan@meridian-port.example.org budget', 'harbour -from:helene.dubois@meridian-port.example.org',
  'to:siobhan@meridian-port.example.org OR dredging',
  // Results that hold no rank word follow the ranked ones (score 0), on the first page and later ones.
  'budget OR has:attachment', 'from:@meridian-port.example.org OR lunch', 'attachment:report OR subject:strike',
  // Mixed shapes: fields under NOT and OR, prefixes in fields, phrases ORed with fields, threads with words.
  'NOT from:siobhan@meridian-port.example.org harbour', 'thread:5 OR budget', 'subject:b* OR body:harb*', '"north basin" OR to:siobhan@meridian-port.example.org',
  '-has:attachment -budget', '(cc:finance after:2015) OR (dkim:pass budget)', 'attachment:report -budget', '(from:@meridian-port.example.org OR from:@ville-meridien.example.net) harbour',
  'to:siobhan@meridian-port.example.org to:lea.rousseau@quais-et-docks.example.net', 'folder:sent -to:siobhan@meridian-port.example.org budget OR quay',
  // Names and file names filter but do not rank: these sort by date, and snippets still mark them.
  'from:@meridian-port.example.org', 'from:@meridian-port.example.org budget', 'attachment:report budget',
];
