/** robots.txt of the live site and of a static copy: every page may be indexed (a publication wants to be found). */
export const ROBOTS_TXT = 'User-agent: *\nAllow: /\n';
