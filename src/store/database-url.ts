/** Reading DATABASE_URL without ever showing its password (config and store share it). */

/** True for a URL that names a PostgreSQL server. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for error messages (a DATABASE_URL may carry one). */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return 'the DATABASE_URL (not shown: it does not parse as a URL)';
  }
}
