import type { ReverifySummary } from '../verify/reverify.js';
import { verdictLabel, type SignatureReport, type VerificationReport } from '../verify/report.js';

/** A verification report in plain words for the terminal. */
export function formatVerification(report: VerificationReport): string {
  const lines = [`${verdictLabel(report)}`, `  ${report.reason}`];
  if (report.fromDomain) lines.push(`  From domain: ${report.fromDomain}`);
  report.signatures.forEach((s) => lines.push('', ...signatureLines(s)));
  if (report.arc.instances > 0) {
    lines.push(
      '',
      `ARC chain: ${report.arc.result} (${report.arc.instances} hop${report.arc.instances === 1 ? '' : 's'}: ${report.arc.sealers.join(' → ')})${report.arc.reason ? ` — ${report.arc.reason}` : ''}`,
    );
  }
  lines.push('', `Checked with ${report.verifier}, as of ${report.at}.`);
  return lines.join('\n');
}

const yesNo = (v: boolean | null, yes: string, no: string, unknown = 'not checked') => (v === null ? unknown : v ? yes : no);

function signatureLines(s: SignatureReport): string[] {
  const lines = [
    `Signature ${s.index + 1}: ${s.outcome.toUpperCase()} — d=${s.domain ?? '?'} s=${s.selector ?? '?'}`,
    `  ${s.reason}`,
    `  algorithm      ${s.algorithm ?? '?'}${s.key ? `, ${s.key.type}${s.key.bits ? ` ${s.key.bits}-bit` : ''} key` : ''}; canonicalization ${s.canonicalization ?? '?'}`,
    `  body hash      ${yesNo(s.bodyHashOk, 'matches (body as signed)', 'does NOT match (body changed)')}`,
    `  signature      ${yesNo(s.signatureOk, 'valid for this key', 'does NOT verify')}`,
    `  body length    ${s.bodyLength ? `l=${s.bodyLength.limit}: ${s.bodyLength.unsignedBytes} body bytes after it are unsigned` : 'whole body signed'}`,
    `  signed headers ${s.signedHeaders.join(', ') || '(none)'}${s.fromSigned ? '' : '  — From is NOT signed'}`,
  ];
  for (const u of s.unsignedHeaders) lines.push(`  unsigned       ${u.name}: ${u.present} present, ${u.signed} signed`);
  if (s.signedAt || s.expiresAt) lines.push(`  time           signed ${s.signedAt ?? '(no t=)'}; expires ${s.expiresAt ?? 'never (no x=)'}`);
  lines.push(`  alignment      ${s.aligned ? 'd= matches the From domain' : 'd= is NOT the From domain'}`);
  if (s.key) {
    lines.push(`  key            ${s.key.name}, seen ${s.key.firstSeen ?? '?'} to ${s.key.lastSeen ?? '?'}`);
    for (const seen of s.key.sightings.slice(0, 5)) lines.push(`                 ${seen.seen}  ${seen.source}`);
  } else lines.push('  key            none in the archive');
  for (const w of s.warnings) lines.push(`  warning        ${w}`);
  return lines;
}

export function formatReverify(s: ReverifySummary): string {
  const lines = [
    `Verified ${s.messages.toLocaleString('en-US')} message${s.messages === 1 ? '' : 's'} in ${(s.elapsedMs / 1000).toFixed(1)} s (${s.changed.toLocaleString('en-US')} changed verdict)`,
  ];
  for (const [verdict, n] of Object.entries(s.verdicts).sort((a, b) => b[1] - a[1]))
    lines.push(`  ${verdict.padEnd(18)} ${n.toLocaleString('en-US').padStart(8)}`);
  return lines.join('\n');
}
