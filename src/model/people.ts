/** The archive's correspondents: the people index and a person's other addresses. */

/** One correspondent of the archive: an address, the name it writes under, how much it sent and received. */
export interface PersonRow {
  readonly address: string;
  readonly name: string | null;
  readonly sent: number;
  readonly received: number;
}

export interface PeopleIndex {
  readonly total: number;
  readonly rows: readonly PersonRow[];
}

export type PeopleSort = 'messages' | 'address';

/** Another address that sends under the very same name: shown beside a person, never merged into it. */
export interface Alias {
  readonly address: string;
  readonly name: string;
  readonly sent: number;
}
