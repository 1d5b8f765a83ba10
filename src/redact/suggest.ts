/**
 * Candidates for redaction found in a message's text: what a newsroom checks before publishing a
 * leak. Each kind is a pattern plus, where the format has one, its checksum (IBAN mod 97, card
 * numbers Luhn, French NIR key), so that a run of digits is not called a bank account by accident.
 * E-mail addresses count only outside the domains that sign the archive's mail (the organisation's
 * own staff are the story; outsiders are private persons until shown otherwise).
 */

export type CandidateKind = 'email' | 'phone' | 'iban' | 'card' | 'ssn-us' | 'nino-uk' | 'nir-fr';

export interface Candidate {
  readonly kind: CandidateKind;
  readonly value: string;
}

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

/** The remainder of a long decimal string by a small modulus, a few digits at a time (no big numbers needed). */
function mod(numeric: string, modulus: number): number {
  let rest = 0;
  for (let i = 0; i < numeric.length; i += 7) rest = Number(`${rest}${numeric.slice(i, i + 7)}`) % modulus;
  return rest;
}

export function validIban(value: string): boolean {
  const iban = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  return (
    mod(
      moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55)),
      97,
    ) === 1
  );
}

export function luhn(value: string): boolean {
  const d = digits(value);
  if (d.length < 13 || d.length > 19 || /^(\d)\1+$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
  }
  return sum % 10 === 0;
}

/** French social security number: 13 digits and a key of 97 − (number mod 97) (Corsica's 2A/2B aside). */
export function validNir(value: string): boolean {
  const d = digits(value);
  if (d.length !== 15 || !/^[12]/.test(d)) return false;
  return 97 - mod(d.slice(0, 13), 97) === Number(d.slice(13));
}

const PATTERNS: ReadonlyArray<{ kind: CandidateKind; pattern: RegExp; valid?: (v: string) => boolean }> = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu },
  { kind: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, valid: validIban },
  { kind: 'card', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, valid: luhn },
  { kind: 'nir-fr', pattern: /\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g, valid: validNir },
  { kind: 'ssn-us', pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
  { kind: 'nino-uk', pattern: /\b(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIQUVO])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g },
  // A telephone number: an optional +country code, groups of digits split by spaces, dots, dashes or
  // brackets, 8 to 15 digits in all (ITU E.164); dates and times do not have that shape.
  { kind: 'phone', pattern: /(?<![\w.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){2,5}(?![\w])/g },
];

/** Candidates in one text, each once, in the order found; `ownDomains` are not private persons' addresses. */
export function candidatesIn(text: string, ownDomains: ReadonlySet<string>): Candidate[] {
  const found = new Map<string, Candidate>();
  const taken: Array<[number, number]> = [];
  for (const { kind, pattern, valid } of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const value = m[0];
      const start = m.index;
      const end = start + value.length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      if (valid && !valid(value)) continue;
      if (kind === 'email') {
        const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
        if ([...ownDomains].some((own) => domain === own || domain.endsWith(`.${own}`))) continue;
      }
      if (kind === 'phone') {
        const n = digits(value).length;
        if (n < 8 || n > 15 || /^(19|20)\d\d[ .-]\d\d[ .-]\d\d$/.test(value)) continue;
      }
      taken.push([start, end]);
      const key = `${kind}\u0000${kind === 'email' ? value.toLowerCase() : value}`;
      if (!found.has(key)) found.set(key, { kind, value });
    }
  }
  return [...found.values()];
}

export interface Suggestion extends Candidate {
  /** Messages it occurs in. */
  readonly messages: readonly number[];
}

/** Collects candidates over many messages: each value with the messages it is in, most frequent first. */
export class SuggestionTally {
  readonly #byKey = new Map<string, { candidate: Candidate; messages: number[] }>();
  add(id: number, text: string, ownDomains: ReadonlySet<string>): void {
    for (const c of candidatesIn(text, ownDomains)) {
      const key = `${c.kind}\u0000${c.kind === 'email' ? c.value.toLowerCase() : c.value}`;
      const entry = this.#byKey.get(key) ?? { candidate: c, messages: [] };
      entry.messages.push(id);
      this.#byKey.set(key, entry);
    }
  }
  result(): Suggestion[] {
    return [...this.#byKey.values()]
      .map(({ candidate, messages }) => ({ ...candidate, messages }))
      .sort((a, b) => b.messages.length - a.messages.length || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value));
  }
}
