/**
 * Text from a request inside a LIKE pattern: `%`, `_` and the escape character itself match
 * literally. Use the pattern with `escape '\'`, which SQLite and PostgreSQL both understand.
 */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, '\\$&');
