/** The reader's language: English and French, from ?lang= or Accept-Language. */
import { verdictLabel, type VerificationReport } from '../verify/report.js';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

const EN = {
  search: 'Search',
  searchPlaceholder: 'words, "phrases", from:, after:2015 …',
  home: 'Home',
  keys: 'Key archive',
  about: 'How to verify',
  messages: 'messages',
  threads: 'threads',
  dates: 'Dates',
  results: 'results',
  noResults: 'No message matches.',
  sortRelevance: 'by relevance',
  sortDate: 'by date',
  next: 'Next page',
  from: 'From',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  copies: 'Other copies',
  copiesNote: '(the same Message-ID with other bytes: the Sent and the Inbox copy, say)',
  date: 'Date',
  subject: 'Subject',
  attachments: 'Attachments',
  thread: 'Thread',
  related: 'Read also',
  raw: 'Raw source (.eml)',
  proof: 'Proof bundle',
  cite: 'Cite this email',
  permalink: 'Permanent link',
  verification: 'Authenticity (DKIM)',
  signature: 'Signature',
  key: 'Key',
  facetsSenders: 'Senders',
  facetsRecipients: 'Recipients',
  facetsMonths: 'Months',
  facetsFolders: 'Folders',
  facetsDkim: 'DKIM',
  facetsTypes: 'Attachment types',
  facetsLanguages: 'Languages',
  moreValues: 'All values',
  values: 'values',
  remoteImage: 'remote image not loaded',
  htmlVersion: 'HTML version (sanitized, images from elsewhere blocked)',
  notInArchive: 'not in the archive',
  tooManyRequests: 'Too many requests: wait a minute and try again.',
  notFound: 'Not found',
  badRequest: 'This address is malformed',
  badParameter: 'This address has a parameter that cannot be read',
  badCursor: 'This page link is out of date or damaged: start the search again.',
  uriTooLong: 'This address is too long',
  headersTooLarge: 'The request headers are too large',
  busy: 'The archive is answering many searches right now: try again in a few seconds. Pages and downloads still work.',
  preparingDownload: 'This release’s download is being prepared (every raw message of it, compressed): try again in a minute.',
  goHome: 'Go to the home page',
  language: 'Language',
  person: 'Person',
  wroteTo: 'Wrote to',
  receivedFrom: 'Received from',
  seen: 'seen',
  signs: 'signs',
  queryError: 'The query cannot be read',
  releases: 'Releases',
  latest: 'Latest messages',
  release: 'Release',
  noReleases: 'Nothing is published yet.',
  publishedOn: 'published',
  colon: ':',
  bytes: 'bytes',
  sent: 'sent',
  received: 'received',
  utc: 'UTC',
} as const;

export type Messages = { readonly [K in keyof typeof EN]: string };

const FR: Messages = {
  search: 'Rechercher',
  searchPlaceholder: 'mots, « expressions », from:, after:2015 …',
  home: 'Accueil',
  keys: 'Archive des clés',
  about: 'Comment vérifier',
  messages: 'messages',
  threads: 'fils',
  dates: 'Dates',
  results: 'résultats',
  noResults: 'Aucun message ne correspond.',
  sortRelevance: 'par pertinence',
  sortDate: 'par date',
  next: 'Page suivante',
  from: 'De',
  to: 'À',
  cc: 'Cc',
  bcc: 'Cci',
  copies: 'Autres copies',
  copiesNote: '(le même Message-ID avec d’autres octets : la copie envoyée et la copie reçue, par exemple)',
  date: 'Date',
  subject: 'Objet',
  attachments: 'Pièces jointes',
  thread: 'Fil',
  related: 'Lire aussi',
  raw: 'Source brute (.eml)',
  proof: 'Dossier de preuve',
  cite: 'Citer ce courriel',
  permalink: 'Lien permanent',
  verification: 'Authenticité (DKIM)',
  signature: 'Signature',
  key: 'Clé',
  facetsSenders: 'Expéditeurs',
  facetsRecipients: 'Destinataires',
  facetsMonths: 'Mois',
  facetsFolders: 'Dossiers',
  facetsDkim: 'DKIM',
  facetsTypes: 'Types de pièces jointes',
  facetsLanguages: 'Langues',
  moreValues: 'Toutes les valeurs',
  values: 'valeurs',
  remoteImage: 'image distante non chargée',
  htmlVersion: 'Version HTML (nettoyée, images extérieures bloquées)',
  notInArchive: 'absent de l’archive',
  tooManyRequests: 'Trop de requêtes : attendez une minute et réessayez.',
  notFound: 'Introuvable',
  badRequest: 'Cette adresse est mal formée',
  badParameter: 'Cette adresse contient un paramètre illisible',
  badCursor: 'Ce lien de page est périmé ou abîmé : relancez la recherche.',
  uriTooLong: 'Cette adresse est trop longue',
  headersTooLarge: 'Les en-têtes de la requête sont trop grands',
  busy: 'L’archive répond à beaucoup de recherches en ce moment : réessayez dans quelques secondes. Les pages et les téléchargements restent disponibles.',
  preparingDownload: 'Le téléchargement de cette publication est en préparation (tous ses messages bruts, compressés) : réessayez dans une minute.',
  goHome: 'Aller à l’accueil',
  language: 'Langue',
  person: 'Personne',
  wroteTo: 'A écrit à',
  receivedFrom: 'A reçu de',
  seen: 'vue',
  signs: 'signe',
  queryError: 'La requête est illisible',
  releases: 'Publications',
  latest: 'Derniers messages',
  release: 'Partie',
  noReleases: 'Rien n’est encore publié.',
  publishedOn: 'publiée le',
  // French puts a (narrow, unbreakable) space before a colon.
  colon: '\u202f:',
  bytes: 'octets',
  sent: 'envoyés',
  received: 'reçus',
  utc: 'UTC',
};

export const MESSAGES: Record<Lang, Messages> = { en: EN, fr: FR };

/** ?lang= wins, then the first supported language of Accept-Language, then English. */
export function chooseLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'fr') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { lang: (tag ?? '').slice(0, 2).toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .sort((a, b) => b.q - a.q);
  return (ranked.find((r) => r.lang === 'en' || r.lang === 'fr')?.lang as Lang | undefined) ?? 'en';
}

const NUMBER_FORMATS: Record<Lang, Intl.NumberFormat> = { en: new Intl.NumberFormat('en-GB'), fr: new Intl.NumberFormat('fr-FR') };

/** A count as the reader's language writes it: 2,137 in English, 2 137 in French. */
export function formatNumber(value: number, lang: Lang): string {
  return NUMBER_FORMATS[lang].format(value);
}

/** A DKIM verdict in one line, in the reader's language (the CLI's English is verdictLabel's). */
export function verdictText(report: Pick<VerificationReport, 'verdict' | 'domain' | 'aligned'>, lang: Lang): string {
  if (lang === 'en') return verdictLabel(report);
  const by = report.domain ? ` par ${report.domain}${report.aligned ? '' : ' (pas le domaine de l’expéditeur)'}` : '';
  switch (report.verdict) {
    case 'verified':
      return `DKIM vérifié${by}`;
    case 'warning':
      return `DKIM vérifié${by}, avec un avertissement`;
    case 'expired':
      return `Signature DKIM valide${by} mais expirée`;
    case 'weak-key':
      return `Signature DKIM valide${by} mais sa clé est trop courte pour prouver quoi que ce soit`;
    case 'body-altered':
      return 'Corps modifié après la signature';
    case 'signature-invalid':
      return 'Signature DKIM invalide';
    case 'key-revoked':
      return 'Clé de signature révoquée';
    case 'key-unavailable':
      return 'Clé de signature introuvable';
    case 'no-signature':
      return 'Pas de signature DKIM';
    case 'not-checkable':
      return 'Non vérifiable : converti depuis Outlook';
  }
}

/**
 * One formatter per language and style, made once: an Intl formatter holds ICU data outside the
 * JavaScript heap, so one made per date (dozens a page) was never collected in time: an export of
 * 100k pages grew by 100 KB a page (measured: 3.2 GB of memory after 30k email pages).
 */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

export function formatDate(ms: number | null, lang: Lang, withTime = true): string {
  if (ms === null) return '—';
  const key = `${lang}/${withTime}`;
  let format = DATE_FORMATS.get(key);
  if (!format) {
    // Times say their zone (UTC): a reader in another one must not take them for local time.
    format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      ...(withTime ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } : { dateStyle: 'medium' }),
      timeZone: 'UTC',
    });
    DATE_FORMATS.set(key, format);
  }
  return format.format(new Date(ms));
}
