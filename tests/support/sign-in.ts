/** The session cookie's name: `__Secure-` prefixed when next-auth uses secure cookies (https). */
export const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token=/;

/**
 * Posts an email and password to next-auth's own credentials endpoint, as the login form's server action does: a
 * CSRF token from /api/auth/csrf, then POST /api/auth/callback/credentials. The raw response (a redirect).
 * A real sign-in: the password is checked (and a failure counted) like any other.
 */
export async function postCredentialsOverHttp(
  baseUrl: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  return fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/` }),
  });
}

/** Signs in over HTTP (see postCredentialsOverHttp). Returns the `Cookie` header value of the session. */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await postCredentialsOverHttp(baseUrl, email, password);
  const session = response.headers.getSetCookie().find((c) => SESSION_COOKIE.test(c));
  if (!session) throw new Error(`sign-in as ${email} failed: ${response.status} → ${response.headers.get("location")}`);
  return session.split(";")[0]!;
}
