/** The part of create-torrent's API Epistola uses (the package ships no types). */
declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string;
    creationDate?: Date;
    comment?: string;
    createdBy?: string;
    announceList?: string[][];
    urlList?: string[];
    pieceLength?: number;
  }
  export default function createTorrent(input: string, options: CreateTorrentOptions, callback: (error: Error | null, torrent: Buffer) => void): void;
}
