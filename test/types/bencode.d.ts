/** The part of bencode's API the tests use (to read the torrents an export writes); the package ships no types. */
declare module 'bencode' {
  const bencode: { decode(data: Uint8Array): unknown; encode(value: unknown): Uint8Array };
  export default bencode;
}
