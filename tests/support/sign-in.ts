/**
 * Signs in through next-auth's own credentials endpoint, as the login form's server action does: a CSRF token
 * from /api/auth/csrf, then POST /api/auth/callback/credentials. Returns the `Cookie` header value of the session.
 * A real sign-in: the password is checked (and a failure counted) like any other.
 */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/` }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in as ${email} failed: ${response.status} → ${response.headers.get("location")}`);
  return session.split(";")[0]!;
}
