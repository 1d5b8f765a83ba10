// mailauth's tag-list parser for DKIM-Signature and ARC fields; shipped without types.
declare module 'mailauth/lib/parse-dkim-headers.js' {
  interface ParsedTags {
    readonly parsed: Record<string, { readonly value: string | number } | string | undefined>;
  }
  function headerParser(line: string): ParsedTags;
  export default headerParser;
}
