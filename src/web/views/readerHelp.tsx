import type { VNode } from 'preact';
import type { Verdict } from '../../verify/report.js';
import type { Lang } from '../i18n.js';

/** Each DKIM verdict in plain words: what it proves, and what it does not. */
const GLOSSARY: Record<Lang, ReadonlyArray<readonly [Verdict | 'unverified', string, string]>> = {
  en: [
    [
      'verified',
      'Verified',
      'The sending domain’s key checks the signature over these very bytes: the domain sent this message, and nothing signed was changed since.',
    ],
    [
      'warning',
      'Verified, with a warning',
      'The signature checks, but something weakens it: a header field the signature does not cover appears more than once, or the signer is not the sender’s domain.',
    ],
    ['expired', 'Expired', 'The signature checks, but it carried an end date that has passed. It still shows who signed.'],
    ['weak-key', 'Weak key', 'The signature checks, but with a key so short (under 1024 bits) that anyone could have forged it: it proves nothing.'],
    [
      'body-altered',
      'Body altered',
      'The header fields are as signed, the text is not: a mailing list footer, a forwarding service or someone changed the body after it was signed.',
    ],
    ['signature-invalid', 'Signature invalid', 'The key does not check the signature: the signed header fields were changed, or the signature is broken.'],
    ['key-revoked', 'Key revoked', 'The domain withdrew the key (an empty key record): it no longer vouches for what it signed.'],
    [
      'key-unavailable',
      'Key not found',
      'The archive has no copy of the key the signature names: it can be neither confirmed nor refuted until the key is found (domains rotate keys and delete old ones).',
    ],
    ['no-signature', 'No signature', 'The message carries no DKIM signature: nothing proves which server sent it.'],
    [
      'not-checkable',
      'Not checkable',
      'Converted from Outlook: Outlook keeps no copy of the message as it was sent, only its parts, so what the archive shows is a rendering that no signature covers. Neither proven nor refuted.',
    ],
    ['unverified', 'Not checked yet', 'The archive has not checked this message yet.'],
  ],
  fr: [
    [
      'verified',
      'Vérifié',
      'La clé du domaine expéditeur vérifie la signature de ces octets mêmes : ce domaine a envoyé ce message, et rien de signé n’a changé depuis.',
    ],
    [
      'warning',
      'Vérifié, avec un avertissement',
      'La signature se vérifie, mais quelque chose l’affaiblit : un champ d’en-tête non couvert apparaît plusieurs fois, ou le signataire n’est pas le domaine de l’expéditeur.',
    ],
    ['expired', 'Expirée', 'La signature se vérifie, mais sa date de fin est passée. Elle montre toujours qui a signé.'],
    [
      'weak-key',
      'Clé faible',
      'La signature se vérifie, mais avec une clé si courte (moins de 1024 bits) que n’importe qui aurait pu la forger : elle ne prouve rien.',
    ],
    [
      'body-altered',
      'Corps modifié',
      'Les champs d’en-tête sont tels que signés, pas le texte : un pied de liste de diffusion, un service de transfert ou quelqu’un a changé le corps après la signature.',
    ],
    ['signature-invalid', 'Signature invalide', 'La clé ne vérifie pas la signature : des champs signés ont changé, ou la signature est abîmée.'],
    ['key-revoked', 'Clé révoquée', 'Le domaine a retiré la clé (un enregistrement vide) : il ne garantit plus ce qu’elle a signé.'],
    [
      'key-unavailable',
      'Clé introuvable',
      'L’archive n’a pas de copie de la clé que la signature désigne : on ne peut ni confirmer ni réfuter tant que la clé n’est pas retrouvée (les domaines changent de clés et effacent les anciennes).',
    ],
    ['no-signature', 'Pas de signature', 'Le message ne porte pas de signature DKIM : rien ne prouve quel serveur l’a envoyé.'],
    [
      'not-checkable',
      'Non vérifiable',
      'Converti depuis Outlook : Outlook ne garde pas le message tel qu’envoyé, seulement ses parties ; ce que l’archive montre en est un rendu, qu’aucune signature ne couvre. Ni prouvé, ni réfuté.',
    ],
    ['unverified', 'Pas encore vérifié', 'L’archive n’a pas encore vérifié ce message.'],
  ],
};

/** A verdict's short name in plain words (the glossary's term). */
export function verdictName(verdict: string, lang: Lang): string {
  return GLOSSARY[lang].find(([v]) => v === verdict)?.[1] ?? verdict;
}

/** The glossary's anchor for a verdict, on the about page. */
export const glossaryHref = (verdict: string) => `/about#verdict-${verdict}`;

export function VerdictGlossary(props: { lang: Lang }): VNode {
  return (
    <section aria-labelledby="glossary">
      <h2 id="glossary">{props.lang === 'fr' ? 'Ce que disent les verdicts DKIM' : 'What the DKIM verdicts mean'}</h2>
      <dl class="glossary">
        {GLOSSARY[props.lang].map(([verdict, name, meaning]) => (
          <>
            <dt id={`verdict-${verdict}`} key={`${verdict}-t`}>
              <span class={`dot verdict-${verdict}`} aria-hidden="true" /> {name}
            </dt>
            <dd key={`${verdict}-d`}>{meaning}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}

/** A query example: the text to type, and what it finds. */
export interface QueryExample {
  readonly query: string;
  readonly en: string;
  readonly fr: string;
}

/**
 * How to search, next to the search box and under an empty result: the syntax with examples made
 * from this archive (its busiest sender, its first year), so every example finds something.
 */
export function SearchHelp(props: { lang: Lang; examples: readonly QueryExample[]; open?: boolean }): VNode {
  const fr = props.lang === 'fr';
  return (
    <details class="search-help" open={props.open}>
      <summary>{fr ? 'Comment chercher' : 'How to search'}</summary>
      <p>
        {fr
          ? 'Des mots trouvent les messages qui les contiennent tous, sous toutes leurs formes (sujet, texte, pièces jointes). Affinez avec :'
          : 'Words find the messages that hold all of them, in any form (subject, text, attachments). Narrow with:'}
      </p>
      <table class="examples">
        <thead>
          <tr>
            <th scope="col">{fr ? 'Tapez' : 'Type'}</th>
            <th scope="col">{fr ? 'pour trouver' : 'to find'}</th>
          </tr>
        </thead>
        <tbody>
          {props.examples.map((e) => (
            <tr key={e.query}>
              <td>
                <a href={`/search?q=${encodeURIComponent(e.query)}`}>
                  <code>{e.query}</code>
                </a>
              </td>
              <td>{fr ? e.fr : e.en}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** What the examples are made of: values of this archive, so every example finds something. */
export interface HelpFacts {
  /** The busiest sender's and recipient's addresses. */
  readonly sender: string | null;
  readonly recipient: string | null;
  /** The first month with mail (2015-03). */
  readonly month: string | null;
  readonly release: number | null;
  /** Two words that follow each other in a recent subject (letters only, 4+ each when there are such). */
  readonly words: readonly [string, string] | null;
  readonly attachments: boolean;
  readonly verified: boolean;
}

/** Two neighbouring words of a subject, for the examples: letters only, four or more each. */
export function subjectWords(subjects: readonly string[]): readonly [string, string] | null {
  const word = (w: string | undefined) => w !== undefined && /^\p{L}{4,}$/u.test(w);
  for (const subject of subjects) {
    const words = subject.replace(/^((re|fwd?|aw|tr)\s*:\s*)+/i, '').split(/\s+/);
    for (let i = 0; i + 1 < words.length; i++) if (word(words[i]) && word(words[i + 1])) return [words[i]!.toLowerCase(), words[i + 1]!.toLowerCase()];
  }
  return null;
}

/** The half year a month is in, as a query: `after:2015-01 before:2015-07`. */
function halfYearOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m <= 6 ? `after:${y}-01 before:${y}-07` : `after:${y}-07 before:${y + 1}-01`;
}

/** The examples of the syntax, filled with this archive's values; one it has nothing for is left out. */
export function queryExamples(facts: HelpFacts): QueryExample[] {
  const examples: QueryExample[] = [];
  const words = facts.words;
  if (words) {
    examples.push({ query: `"${words[0]} ${words[1]}"`, en: 'these words side by side', fr: 'ces mots côte à côte' });
    examples.push({ query: `subject:${words[0]}`, en: 'a word of the subject line', fr: 'un mot du sujet' });
  }
  if (facts.sender) examples.push({ query: `from:${facts.sender}`, en: 'messages this address sent', fr: 'les messages envoyés par cette adresse' });
  const domain = facts.recipient?.split('@')[1];
  if (domain) examples.push({ query: `to:${domain}`, en: 'messages to anyone at this domain', fr: 'les messages adressés à ce domaine' });
  if (facts.month) examples.push({ query: halfYearOf(facts.month), en: 'a half year', fr: 'un semestre' });
  if (facts.attachments) examples.push({ query: 'has:attachment', en: 'messages with an attachment', fr: 'les messages avec une pièce jointe' });
  if (facts.verified) examples.push({ query: 'dkim:verified', en: 'messages whose signature checks', fr: 'les messages dont la signature se vérifie' });
  if (facts.release !== null) examples.push({ query: `release:${facts.release}`, en: 'the messages of a release', fr: 'les messages d’une publication' });
  if (words) {
    examples.push({ query: `${words[0]} -${words[1]}`, en: 'the first word without the second', fr: 'le premier mot sans le second' });
    examples.push({ query: `${words[0]} OR ${words[1]}`, en: 'either word', fr: 'l’un ou l’autre mot' });
  }
  return examples;
}
