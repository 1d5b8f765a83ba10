import type { IngestSummary } from '../pipeline/ingest.js';
import type { ArchiveStats } from '../model/stats.js';
import { WARNING_KINDS, type WarningKind } from '../mail/warnings.js';
import { thousands } from './thousands.js';

const n = thousands;
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The one-screen report at the end of an ingest. */
export function formatIngestSummary(s: IngestSummary): string {
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `Ingested ${n(s.added)} new message${s.added === 1 ? '' : 's'} in ${seconds.toFixed(1)} s` +
      (s.added > 0 && seconds > 0 ? ` (${n(Math.round(s.messagesRead / seconds))} msg/s, ${(s.bytesRead / 1048576 / seconds).toFixed(1)} MB/s)` : ''),
    s.firstId !== null ? `  ids ${s.firstId}–${s.lastId}` : null,
    `  read         ${n(s.messagesRead)} messages, ${mb(s.bytesRead)} from ${n(s.sources)} source${s.sources === 1 ? '' : 's'}` +
      (s.unchangedSources > 0 ? ` (${n(s.unchangedSources)} unchanged since last run, skipped)` : ''),
    `  duplicates   ${n(s.duplicates)} (identical bytes already archived; recorded as another location)`,
    `  copies       ${n(s.copies)} (same Message-ID, different bytes; kept and linked)`,
    s.known > 0 ? `  already in   ${n(s.known)} (ingested before from the same place)` : null,
    `  threads      ${n(s.threads.count)} in the archive (${n(s.threads.changed)} messages placed or moved)`,
    `  then         threading in ${(s.finishing.threadingMs / 1000).toFixed(1)} s, search statistics in ${(s.finishing.statisticsMs / 1000).toFixed(1)} s`,
    Object.keys(s.dkim).length > 0
      ? `  DKIM         ${Object.entries(s.dkim)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', ')}`
      : null,
  ];
  const warningKinds = Object.entries(s.warnings) as Array<[WarningKind, number]>;
  if (warningKinds.length > 0) {
    lines.push('  warnings (messages stored, see "epistola show <id>"):');
    for (const [kind, count] of warningKinds.sort((a, b) => b[1] - a[1])) lines.push(`    ${kind.padEnd(22)} ${n(count).padStart(7)}  ${WARNING_KINDS[kind]}`);
  }
  const problemKinds = Object.entries(s.problems);
  if (problemKinds.length > 0 || s.skippedFiles.length > 0) {
    lines.push('  errors (nothing to store):');
    for (const [kind, count] of problemKinds) lines.push(`    ${kind.padEnd(22)} ${n(count).padStart(7)}`);
    for (const file of s.skippedFiles.slice(0, 10)) lines.push(`    skipped ${file.path}: ${file.reason}`);
    if (s.skippedFiles.length > 10) lines.push(`    … and ${s.skippedFiles.length - 10} more skipped files (see --json)`);
  }
  return lines.filter((l): l is string => l !== null).join('\n');
}

export function formatStats(s: ArchiveStats, title: string): string {
  const lines = [
    `${title}`,
    `  messages      ${n(s.messages)} (${mb(s.rawBytes)} raw)`,
    `  dates         ${s.firstDate?.slice(0, 10) ?? '–'} to ${s.lastDate?.slice(0, 10) ?? '–'}`,
    `  attachments   ${n(s.attachments)} (${mb(s.attachmentBytes)})`,
    `  duplicates    ${n(s.duplicates)}   copies ${n(s.copies)}   headers only ${n(s.headersOnly)}`,
    `  sources       ${n(s.sources)}`,
  ];
  if (s.folders.length > 0) lines.push(`  folders       ${s.folders.map((f) => `${f.folder} (${n(f.messages)})`).join(', ')}`);
  const warnings = Object.entries(s.warnings);
  if (warnings.length > 0) lines.push(`  warnings      ${warnings.map(([k, v]) => `${k} ${n(v)}`).join(', ')}`);
  const problems = Object.entries(s.sourceProblems);
  if (problems.length > 0) lines.push(`  errors        ${problems.map(([k, v]) => `${k} ${n(v)}`).join(', ')}`);
  lines.push(
    `  DKIM          ${
      Object.entries(s.dkim)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ') || '–'
    }   (key archive: ${n(s.keyRecords)} records)`,
  );
  return lines.join('\n');
}
