import type { VNode } from 'preact';
import { MARKER_PATTERN } from '../../redact/commitment.js';
import type { RedactionNotice } from '../../redact/redactionRecord.js';
import { formatDate, verdictText } from '../i18n.js';
import type { Verdict } from '../../verify/report.js';
import { Layout, type PageContext } from './layout.js';

/**
 * What a reader is told about a redacted message: each span (where, why, its commitment), and
 * exactly what stays provable (docs/verification.md, "Redacted messages", says the same).
 */

/** A text with its redaction markers shown as marks (readers see where something was taken out). */
export function withMarkers(text: string): Array<string | VNode> {
  const out: Array<string | VNode> = [];
  let at = 0;
  for (const m of text.matchAll(new RegExp(MARKER_PATTERN.source, 'g'))) {
    out.push(text.slice(at, m.index));
    out.push(
      <mark class="redacted" title={`sha256:${m[2]}`} key={`${m.index}`}>
        [redacted {m[1]}]
      </mark>,
    );
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  return out;
}

function headerNames(list: readonly string[]): string {
  return list.map((h) => h.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())).join(', ');
}

export function RedactionPanel(props: { ctx: PageContext; notice: RedactionNotice }): VNode {
  const n = props.notice;
  const fr = props.ctx.lang === 'fr';
  const checked = n.publisherCheckedAt ? formatDate(Date.parse(n.publisherCheckedAt), props.ctx.lang) : null;
  const verdict = n.publisherVerdict ? verdictText({ verdict: n.publisherVerdict as Verdict, domain: null, aligned: false }, props.ctx.lang) : null;
  const publisher = verdict
    ? fr
      ? `L’éditeur a vérifié le message non caviardé${checked ? ` le ${checked}` : ''} : ${verdict}.`
      : `The publisher checked the unredacted message${checked ? ` on ${checked}` : ''}: ${verdict}.`
    : '';
  let proof: string;
  if (n.signedHeadersTouched.length > 0)
    proof = fr
      ? `Un champ signé a été caviardé (${headerNames(n.signedHeadersTouched)}) : les lecteurs ne peuvent plus vérifier la signature DKIM.`
      : `A signed header field was redacted (${headerNames(n.signedHeadersTouched)}): readers can no longer check the DKIM signature.`;
  else if (n.headersProven) {
    const names = headerNames(n.provenHeaders ?? []) || 'From';
    proof = fr
      ? `Les champs d’en-tête signés (${names}) sont prouvés : la signature sur eux se vérifie avec la clé archivée, et ils portent l’empreinte du corps bh=${n.bodyHash}. Le corps affiché est caviardé : vous ne pouvez pas le comparer à bh=.`
      : `${names} are proven: the signature over these header fields verifies with the archived key, and they carry the body hash bh=${n.bodyHash}. The body shown is redacted, so you cannot check it against bh=.`;
  } else
    proof = fr
      ? 'Aucune signature ne peut être vérifiée par les lecteurs sur ce message caviardé.'
      : 'No signature of this redacted message can be checked by readers.';
  if (n.correction)
    return (
      <section class="redaction" aria-labelledby="redaction-title">
        <h2 id="redaction-title">{fr ? 'Corrigé par l’éditeur' : 'Corrected by the publisher'}</h2>
        <p>
          {fr
            ? `L’éditeur a remplacé la version publiée de ce message le ${n.correction.at.slice(0, 10)} : ${n.correction.reason}. Les octets reçus (sha256 ${n.correction.originalSha256}) sont conservés par l’éditeur.`
            : `The publisher replaced the published rendering of this message on ${n.correction.at.slice(0, 10)}: ${n.correction.reason}. The bytes as received (sha256 ${n.correction.originalSha256}) are kept by the publisher.`}{' '}
          {publisher}
        </p>
        <p class="meta">
          {fr ? 'Racine de l’arbre des parties' : 'Part tree root'}: <code>{n.root}</code>
        </p>
      </section>
    );
  return (
    <section class="redaction" aria-labelledby="redaction-title">
      <h2 id="redaction-title">{fr ? 'Caviardé par l’éditeur' : 'Redacted by the publisher'}</h2>
      <p>
        {proof} {publisher}
      </p>
      <p>
        {fr
          ? 'Chaque passage retiré est remplacé par une marque qui contient un engagement sha256(sel ‖ octets retirés) : l’éditeur ne peut plus changer ce qui a été retiré, et peut le prouver en révélant le sel et les octets.'
          : 'Each span taken out is replaced by a marker holding a commitment, sha256(salt ‖ removed bytes): the publisher cannot later change what was removed, and can prove it by revealing the salt and the bytes.'}
      </p>
      <ol class="spans">
        {n.spans.map((s) => (
          <li key={s.span} value={s.span}>
            {s.where} — {s.reason} <span class="meta">({s.at.slice(0, 10)})</span> <code class="commitment">sha256:{s.commitment}</code>
          </li>
        ))}
      </ol>
      <p class="meta">
        {fr ? 'Racine de l’arbre des parties' : 'Part tree root'}: <code>{n.root}</code> ({n.leaves.length} {fr ? 'feuilles' : 'leaves'}:{' '}
        {n.leaves.map((l) => l.label).join(', ')})
      </p>
    </section>
  );
}

/** The preview server's redaction form on an email page (only where ctx.csrf is set). */
export function RedactForm(props: { ctx: PageContext; id: number }): VNode | null {
  if (!props.ctx.csrf) return null;
  return (
    <section class="redact-form" aria-labelledby="redact-title">
      <h2 id="redact-title">Redact (publisher preview)</h2>
      <form method="post" action={`/emails/${props.id}/redact`}>
        <input type="hidden" name="token" value={props.ctx.csrf} />
        <p>
          <label for="redact-texts">Texts to take out, one per line (any case, any accents)</label>
          <textarea id="redact-texts" name="texts" rows={3} />
        </p>
        <p>
          <label for="redact-headers">Header fields to take out whole</label> <input id="redact-headers" name="headers" placeholder="X-Case-Ref" />{' '}
          <label for="redact-attachments">Attachments to withhold</label> <input id="redact-attachments" name="attachments" placeholder="0 2" />
        </p>
        <p>
          <label for="redact-reason">Reason (public)</label> <input id="redact-reason" name="reason" required />{' '}
          <label>
            <input type="checkbox" name="dryRun" value="1" checked /> dry run
          </label>{' '}
          <button type="submit">Redact</button>
        </p>
      </form>
    </section>
  );
}

export function RedactResultPage(props: { ctx: PageContext; id: number; ok: boolean; lines: readonly string[] }): VNode {
  return (
    <Layout ctx={props.ctx} title={`Redaction of #${props.id}`}>
      <h1>{props.ok ? `Redaction of message ${props.id}` : `Message ${props.id} was not redacted`}</h1>
      <pre class="redact-result" role={props.ok ? undefined : 'alert'}>
        {props.lines.join('\n')}
      </pre>
      <p>
        <a href={`/emails/${props.id}`}>Back to message {props.id}</a>
      </p>
    </Layout>
  );
}
