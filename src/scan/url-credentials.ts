/**
 * Passwords inside connection URLs: `postgres://app:s3cret@db/app`, `https://user:pass@host/`.
 * Found from the "://" marker, looking back a bounded distance for the scheme.
 */
import { isPlaceholderValue } from "./placeholder.js";

export interface UrlCredential {
  rule: "database-url-password" | "url-credentials";
  scheme: string;
  /** Where the password starts and ends in the line. */
  start: number;
  end: number;
  password: string;
}

const DATABASE_SCHEMES = new Set([
  "postgres",
  "postgresql",
  "mysql",
  "mysqlx",
  "mariadb",
  "mongodb",
  "mongodb+srv",
  "redis",
  "rediss",
  "mssql",
  "sqlserver",
  "oracle",
  "clickhouse",
  "cockroachdb",
  "couchdb",
  "neo4j",
  "neo4j+s",
  "amqp",
  "amqps",
  "cassandra",
  "snowflake",
]);

const OTHER_SCHEMES = new Set([
  "http",
  "https",
  "ftp",
  "ftps",
  "sftp",
  "smtp",
  "smtps",
  "ldap",
  "ldaps",
  "git",
  "ssh",
]);

const USER_PASSWORD = /([^\s:@/'"`<>{}$]{0,128}):([^\s@/'"`<>]{1,256})@[A-Za-z0-9[._-]/y;

const isSchemeChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;

/** The credential in the URL whose "://" is at `at`, or null when there is none worth reporting. */
export function urlCredentialAt(line: string, at: number): UrlCredential | null {
  let s = at;
  while (s > 0 && at - s < 24 && isSchemeChar(line.charCodeAt(s - 1))) s--;
  const scheme = line.slice(s, at).toLowerCase();
  const rule = DATABASE_SCHEMES.has(scheme)
    ? "database-url-password"
    : OTHER_SCHEMES.has(scheme)
      ? "url-credentials"
      : null;
  if (!rule) return null;
  USER_PASSWORD.lastIndex = at + 3;
  const m = USER_PASSWORD.exec(line);
  if (!m) return null;
  const user = m[1] ?? "";
  const password = m[2] ?? "";
  if (isPlaceholderValue(password) || password === user) return null;
  const start = at + 3 + user.length + 1;
  return { rule, scheme, start, end: start + password.length, password };
}
