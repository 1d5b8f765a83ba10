/**
 * A whole number with commas between thousands ("12,345"), as `toLocaleString('en-US')` writes it,
 * without it: the first locale-aware call loads ICU's number data, 20 ms of a 60 ms search command.
 */
export function thousands(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
  return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}
