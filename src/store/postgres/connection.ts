/** A PostgreSQL URL as it may be shown: without its password. */
export function describeConnection(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the PostgreSQL URL given (it could not be read as a URL)';
  }
}
