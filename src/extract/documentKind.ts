/**
 * What kind of document an attachment is, by its first bytes first (a sender's Content-Type and file
 * name are often wrong), then by type and name. The kind decides the extractor.
 */
export type DocumentKind =
  | 'pdf'
  | 'office' // DOCX, XLSX, PPTX, ODT, ODS, ODP (zip containers), RTF: officeparser
  | 'doc' // Word 97–2003: word-extractor
  | 'xls' // Excel 97–2003: SheetJS
  | 'msg' // an Outlook item: rendered as ingest renders one (ingest/outlookMsg.ts), then its text
  | 'email' // an RFC 822 message sent as a file (a .msg or .txt that is really mail): parsed as mail
  | 'text' // text/*, CSV, JSON, XML, calendar and contact cards
  | 'html'
  | 'image' // OCR
  | 'unsupported';

const OFFICE_EXTENSIONS = /\.(docx|docm|xlsx|xlsm|pptx|pptm|odt|ods|odp|odg|rtf|epub)$/i;
const IMAGE_TYPES = /^image\/(png|jpe?g|gif|tiff|bmp|webp|jp2|x-portable-(any|bit|gray|pix)map)$/i;
const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|tiff?|bmp|webp|jp2|j2k|pnm|pbm|pgm|ppm)$/i;

/** Compound binary files (OLE2): Word, Excel and PowerPoint 97–2003, and .msg. */
const OLE2 = Buffer.from('d0cf11e0a1b11ae1', 'hex');

export function documentKind(bytes: Uint8Array, contentType: string, filename: string | null): DocumentKind {
  const head = Buffer.from(bytes.subarray(0, 8));
  const type = contentType.toLowerCase();
  const name = filename ?? '';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-' || type === 'application/pdf' || /\.pdf$/i.test(name)) return 'pdf';
  if (head.subarray(0, 5).toString('latin1') === '{\\rtf') return 'office';
  if (head.subarray(0, 4).toString('hex') === '504b0304' && (OFFICE_EXTENSIONS.test(name) || /officedocument|opendocument|epub/.test(type))) return 'office';
  if (head.equals(OLE2)) {
    // A password-protected DOCX/XLSX/PPTX is an OLE2 container (ECMA-376 encryption): officeparser says so.
    if (/\.(docx|xlsx|pptx)$/i.test(name) || /officedocument/.test(type)) return 'office';
    if (/\.xls$/i.test(name) || /ms-excel/.test(type)) return 'xls';
    if (/\.msg$/i.test(name) || /ms-outlook/.test(type)) return 'msg';
    if (/\.doc$/i.test(name) || /msword/.test(type)) return 'doc';
    return 'unsupported';
  }
  if (looksLikeMail(bytes)) return 'email';
  if (IMAGE_TYPES.test(type) || IMAGE_EXTENSIONS.test(name)) return 'image';
  if (/html/.test(type) || /\.html?$/i.test(name)) return 'html';
  if (type.startsWith('text/') || /(json|xml|csv|calendar|vcard)/.test(type) || /\.(txt|csv|tsv|json|xml|ics|vcf|md|log)$/i.test(name)) return 'text';
  if (OFFICE_EXTENSIONS.test(name)) return 'office';
  return 'unsupported';
}

/** Header lines first, and among them the fields every message has: an RFC 822 message, whatever its name says. */
function looksLikeMail(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 65536)).toString('latin1');
  const block = head.split(/\r?\n\r?\n/)[0] ?? '';
  if (!/^[\x21-\x39\x3b-\x7e]+:[ \t]/.test(block)) return false;
  const fields = new Set([...block.matchAll(/^([\x21-\x39\x3b-\x7e]+):/gm)].map((m) => m[1]!.toLowerCase()));
  return fields.has('from') && (fields.has('received') || fields.has('message-id') || fields.has('date'));
}
