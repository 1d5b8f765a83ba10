/** The numbered parts of a publication, and who may read what. */

/** Who reads: the publisher sees every message; the public only those of published releases. */
export type Audience = 'publisher' | 'public';

/** A numbered part of the publication ("Part 15"). */
export interface Release {
  readonly number: number;
  readonly title: string;
  /** How its messages were chosen: the query, or the file of ids. */
  readonly selection: string;
  readonly createdAt: string;
  /** When it becomes (or became) public; null while embargoed. */
  readonly publishAt: string | null;
  /** publishAt has passed. */
  readonly published: boolean;
  readonly messages: number;
}
