import type { VNode } from 'preact';
import type { VerificationReport } from '../../verify/report.js';
import { verdictText, type Lang } from '../i18n.js';
import { glossaryHref, verdictName } from './readerHelp.js';

/** One plain sentence a verdict says to a reader who knows nothing of DKIM. */
function plainSentence(report: VerificationReport | null, lang: Lang, redacted: boolean): string {
  const fr = lang === 'fr';
  const domain = report?.domain ?? null;
  if (redacted)
    return fr
      ? 'L’éditeur a caviardé ce message : ce qui est montré n’est plus ce qui a été signé. Le détail dit ce que la signature prouve encore.'
      : 'The publisher redacted this message: what is shown is no longer what was signed. The details say what the signature still proves.';
  switch (report?.verdict ?? 'unverified') {
    case 'verified':
    case 'warning':
      return fr
        ? `Le serveur de courrier de ${domain} a signé ce message, et rien de ce qu’il a signé n’a changé depuis.`
        : `The mail server of ${domain} signed this message, and nothing it signed has changed since.`;
    case 'expired':
      return fr
        ? `${domain} l’a signé ; la signature avait une date de fin, passée depuis.`
        : `${domain} signed it; the signature carried an end date, since passed.`;
    case 'weak-key':
      return fr ? 'La clé de la signature est trop courte : elle ne prouve rien.' : 'The signature’s key is too short: it proves nothing.';
    case 'body-altered':
      return fr
        ? 'Les en-têtes sont tels que signés, mais le texte a changé après la signature (souvent un pied de liste de diffusion).'
        : 'The header fields are as signed, but the text changed after signing (often a mailing list footer).';
    case 'signature-invalid':
      return fr ? 'La signature ne se vérifie pas : ce message n’est pas prouvé.' : 'The signature does not check: this message is not proven.';
    case 'key-revoked':
      return fr ? 'Le domaine a retiré la clé de cette signature.' : 'The domain withdrew this signature’s key.';
    case 'key-unavailable':
      return fr
        ? 'La clé de cette signature n’a pas été retrouvée : ni prouvé, ni réfuté.'
        : 'This signature’s key has not been found: neither proven nor refuted.';
    case 'no-signature':
      return fr ? 'Ce message ne porte pas de signature : rien ne prouve qui l’a envoyé.' : 'This message carries no signature: nothing proves who sent it.';
    case 'not-checkable':
      return fr ? 'Converti depuis Outlook, qui ne garde pas le message tel qu’envoyé.' : 'Converted from Outlook, which keeps no copy of the message as sent.';
    default:
      return fr ? 'Ce message n’a pas encore été vérifié.' : 'This message has not been checked yet.';
  }
}

/**
 * The verdict at the top of an email, in its own colour: what journalists screenshot ("DKIM
 * verified by example.org"), one plain sentence, and links to the details and the glossary.
 */
export function VerdictBanner(props: { lang: Lang; report: VerificationReport | null; redacted: boolean; converted: boolean }): VNode {
  const verdict = props.report?.verdict ?? 'unverified';
  const fr = props.lang === 'fr';
  // A conversion ingested before the verdict existed (or never verified) says the same.
  if (props.converted && (!props.report || props.report.verdict === 'no-signature'))
    return (
      <p class="verdict-banner verdict-no-signature">
        <strong>{fr ? 'Non vérifiable' : 'Not checkable'}</strong>{' '}
        <span>
          {fr ? 'Converti depuis Outlook, qui ne garde pas le message tel qu’envoyé.' : 'Converted from Outlook, which keeps no copy of the message as sent.'}
        </span>{' '}
        <a href="#dkim-title">{fr ? 'Le détail' : 'Details'}</a>
      </p>
    );
  return (
    <p class={`verdict-banner verdict-${verdict}`}>
      <strong>{props.report ? verdictText(props.report, props.lang) : verdictName('unverified', props.lang)}</strong>{' '}
      <span>{plainSentence(props.report, props.lang, props.redacted)}</span> <a href="#dkim-title">{fr ? 'Le détail' : 'Details'}</a> ·{' '}
      <a href={glossaryHref(verdict)}>{fr ? 'Que veut dire ce verdict ?' : 'What this verdict means'}</a>
    </p>
  );
}
