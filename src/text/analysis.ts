import { messageForms, type MessageForms } from './forms.js';
import { detectLanguage, languageSample } from './language.js';

/** What ingest learns of a message's text for search: its language, and its word forms for the index. */
export interface TextAnalysis {
  readonly language: string | null;
  readonly forms: MessageForms;
}

/** Done in the parse workers (~0.3 ms a message), and by the schema upgrade for messages ingested before. */
export function textAnalysis(subject: string | null, text: string | null, embeddedText: string): TextAnalysis {
  const language = detectLanguage(languageSample(subject, text));
  return { language, forms: messageForms(language, subject, embeddedText ? `${text ?? ''}\n${embeddedText}` : (text ?? '')) };
}
