import { afterAll, beforeAll, expect, it } from "vitest";
import { createMerchantWithUser } from "@/db/queries/users";
import { hashPassword } from "@/lib/auth/password";
import { actionFormHiddenFields, multipart } from "../support/action-forms";
import { freePort, startAppServer, type AppServer } from "../support/app-server";
import { describeWithBuild } from "../support/build";
import { postCredentialsOverHttp, SESSION_COOKIE, signInOverHttp } from "../support/sign-in";
import { withAppServer } from "../support/with-app-server";

// The built app over HTTP (`next build` first): security headers, cookie flags, CSRF on server actions and on
// next-auth's endpoints, and the sign-in lock.

const PASSWORD = "correct horse battery";
const FOREIGN_ORIGIN = "https://attacker.example";

function cookieFlags(setCookie: string): string[] {
  return setCookie
    .split(";")
    .slice(1)
    .map((p) => p.trim().toLowerCase());
}

describeWithBuild("web security over HTTP", () => {
  const app = withAppServer({
    env: { BACKGROUND_JOBS: "0" },
    seed: async (database) => {
      // Small scrypt parameters: the lock test checks a dozen passwords, and the cost is not what is tested here (a
      // hash is upgraded to the full cost at its first successful sign-in).
      const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 12, r: 8, p: 1 });
      for (const email of ["merchant@example.com", "locked@example.com", "colleague@example.com", "busy@example.com"]) {
        await createMerchantWithUser(database.db, { businessName: "示例商家", email, passwordHash });
      }
    },
  });

  it("sends the security headers with every page, and Next puts the policy's nonce on every script", async () => {
    for (const page of ["/", "/login", "/signup", "/accounts", "/sandbox", "/no-such-page"]) {
      const response = await fetch(`${app.url}${page}`, { redirect: "manual" });
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy, page).toContain("frame-ancestors 'none'");
      expect(policy, page).toContain("object-src 'none'");
      expect(policy, page).toContain("base-uri 'self'");
      expect(policy, page).toMatch(/form-action 'self'/);
      expect(policy, page).not.toContain("unsafe-eval");
      expect(policy, page).not.toContain("unsafe-inline");
      expect(response.headers.get("x-content-type-options"), page).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), page).toBe("DENY");
      expect(response.headers.get("referrer-policy"), page).toBe("strict-origin-when-cross-origin");
      if (response.status !== 200) continue;
      const nonce = policy.match(/'nonce-([^']+)'/)?.[1];
      const scripts = (await response.text()).match(/<script[^>]*>/g) ?? [];
      expect(scripts.length, page).toBeGreaterThan(0);
      for (const script of scripts) expect(script, page).toContain(`nonce="${nonce}"`);
    }
    // A fresh nonce per response.
    const [a, b] = await Promise.all([fetch(`${app.url}/login`), fetch(`${app.url}/login`)]);
    expect(a.headers.get("content-security-policy")).not.toBe(b.headers.get("content-security-policy"));
  });

  it("keeps the sandbox, the staff console and the API out of crawlers (robots.txt), and serves a favicon", async () => {
    const robots = await fetch(`${app.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers.get("content-type")).toMatch(/^text\/plain/);
    const rules = (await robots.text()).split("\n").map((l) => l.trim());
    expect(rules).toEqual(
      expect.arrayContaining(["User-agent: *", "Disallow: /sandbox", "Disallow: /staff", "Disallow: /api"]),
    );
    const icon = await fetch(`${app.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/icon/);
    // An ICO file: reserved 0, type 1, then its image count.
    expect([...new Uint8Array(await icon.arrayBuffer()).slice(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it("answers GET /api/health with ok / not ok per part only: no ages, counts or error texts", async () => {
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      database: { ok: true },
      ticket: { ok: expect.any(Boolean) },
      componentToken: { ok: expect.any(Boolean) },
      authorizers: { ok: true },
    });
  });

  it("sends no Strict-Transport-Security over a plain-http APP_URL", async () => {
    for (const page of ["/", "/login"])
      expect((await fetch(`${app.url}${page}`)).headers.get("strict-transport-security"), page).toBeNull();
  });

  it("sets the session cookie HttpOnly, SameSite=Lax, Path=/ (and not Secure over plain http)", async () => {
    const response = await postCredentialsOverHttp(app.url, "merchant@example.com", PASSWORD);
    const session = response.headers.getSetCookie().find((c) => SESSION_COOKIE.test(c));
    expect(session).toMatch(/^authjs\.session-token=/);
    const flags = cookieFlags(session!);
    expect(flags).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
    expect(flags).not.toContain("secure");
  });

  it("refuses a replayed sign-up action from a foreign Origin and creates nothing; the same request from our origin works", async () => {
    const fields = actionFormHiddenFields(await (await fetch(`${app.url}/signup`)).text(), "注册");
    const body = () =>
      multipart([
        ...fields,
        ["businessName", "跨站商家"],
        ["email", "csrf-signup@example.com"],
        ["password", PASSWORD],
      ]);

    const forged = await fetch(`${app.url}/signup`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: FOREIGN_ORIGIN },
      body: body(),
    });
    expect(forged.status).toBe(500);
    expect(forged.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(false);

    // Proof the replay itself is sound and the first one changed nothing: it now signs up (the email was free).
    const own = await fetch(`${app.url}/signup`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: app.url },
      body: body(),
    });
    expect(own.status).toBe(303);
    expect(own.headers.get("location")).toMatch(/\/accounts$/);
    expect(own.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(true);
  });

  it("refuses a signed-in merchant's action posted from a foreign Origin with their cookie: no pre_auth_code is asked for", async () => {
    const cookie = await signInOverHttp(app.url, "merchant@example.com", PASSWORD);
    expect((await fetch(`${app.url}/sandbox/api/push-ticket`, { method: "POST" })).status).toBe(200);
    const fields = actionFormHiddenFields(
      await (await fetch(`${app.url}/accounts`, { headers: { cookie } })).text(),
      "授权公众号",
    );
    const body = () => multipart([...fields, ["device", "pc"], ["authType", "1"]]);
    const preAuthCodes = async () =>
      ((await (await fetch(`${app.url}/sandbox/api/state`)).json()) as { calls: Record<string, number> }).calls
        .api_create_preauthcode ?? 0;
    const before = await preAuthCodes();

    const forged = await fetch(`${app.url}/accounts`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: FOREIGN_ORIGIN },
      body: body(),
    });
    expect(forged.status).toBe(500);
    expect(forged.headers.get("location")).toBeNull();
    expect(await preAuthCodes()).toBe(before);

    const own = await fetch(`${app.url}/accounts`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: app.url },
      body: body(),
    });
    expect(own.status).toBe(303);
    expect(own.headers.get("location")).toMatch(/\/sandbox\/cgi-bin\/componentloginpage\?/);
    expect(await preAuthCodes()).toBe(before + 1);
  });

  it("next-auth's sign-in and sign-out endpoints refuse a POST without their CSRF token", async () => {
    const signIn = await fetch(`${app.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "merchant@example.com", password: PASSWORD }),
    });
    expect(signIn.headers.get("location")).toMatch(/[?&]error=MissingCSRF/);
    expect(signIn.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(false);

    const cookie = await signInOverHttp(app.url, "merchant@example.com", PASSWORD);
    const signOut = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ callbackUrl: "/" }),
    });
    expect(signOut.headers.get("location")).toMatch(/[?&]error=MissingCSRF/);
    expect(signOut.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(false);
    const session = (await (await fetch(`${app.url}/api/auth/session`, { headers: { cookie } })).json()) as {
      user?: { email?: string };
    };
    expect(session.user?.email).toBe("merchant@example.com");
  });

  // The limits in detail (parallel requests, windows): tests/integration/rate-limits.test.ts and authorization-flow.test.ts.
  it("limits sign-ups per client address: the sixth within the hour is refused with a message and creates nothing", async () => {
    const fields = actionFormHiddenFields(await (await fetch(`${app.url}/signup`)).text(), "注册");
    const signUp = (i: number, address: string) =>
      fetch(`${app.url}/signup`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: app.url, "x-forwarded-for": address },
        body: multipart([
          ...fields,
          ["businessName", `限流商家 ${i}`],
          ["email", `limited-${i}@example.com`],
          ["password", PASSWORD],
        ]),
      });
    for (let i = 0; i < 5; i++) expect((await signUp(i, "198.51.100.77")).status, `sign-up ${i}`).toBe(303);
    const refused = await signUp(5, "198.51.100.77");
    expect(refused.status).toBe(200);
    expect(refused.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(false);
    const page = await refused.text();
    // The refusal travels as a catalog key and is shown in the reader's language (Chinese by default).
    expect(page).toContain("来自您网络的注册过于频繁");
    expect(page).toContain("auth.errors.signUpRateLimited");
    await expect(signInOverHttp(app.url, "limited-5@example.com", PASSWORD)).rejects.toThrow(
      /sign-in as limited-5@example.com failed/,
    );
    // Another address still signs up.
    expect((await signUp(6, "198.51.100.78")).status).toBe(303);
  }, 120_000);

  it("limits authorization starts per merchant: the eleventh in ten minutes asks WeChat for nothing and says why", async () => {
    const cookie = await signInOverHttp(app.url, "busy@example.com", PASSWORD);
    await fetch(`${app.url}/sandbox/api/push-ticket`, { method: "POST" });
    const fields = actionFormHiddenFields(
      await (await fetch(`${app.url}/accounts`, { headers: { cookie } })).text(),
      "授权公众号",
    );
    const click = () =>
      fetch(`${app.url}/accounts`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, origin: app.url },
        body: multipart([...fields, ["device", "pc"], ["authType", "1"]]),
      });
    const preAuthCodes = async () =>
      ((await (await fetch(`${app.url}/sandbox/api/state`)).json()) as { calls: Record<string, number> }).calls
        .api_create_preauthcode ?? 0;
    const before = await preAuthCodes();
    for (let i = 0; i < 10; i++) expect((await click()).status, `start ${i}`).toBe(303);
    const refused = await click();
    expect(refused.status).toBe(200);
    expect(refused.headers.get("location")).toBeNull();
    const page = await refused.text();
    expect(page).toContain("发起授权过于频繁");
    expect(page).toContain("authorize.errors.rateLimited");
    expect(await preAuthCodes()).toBe(before + 10);
  }, 120_000);

  // The slowdown and lock in detail (delays, reset after success): tests/integration/auth.test.ts.
  it("locks an email after 10 failures, even for the right password; another email from the same address still signs in", async () => {
    const from = { "x-forwarded-for": "203.0.113.50" };
    const outcome = async (email: string, password: string) => {
      const response = await postCredentialsOverHttp(app.url, email, password, from);
      if (response.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))) return "signed-in";
      return new URL(response.headers.get("location") ?? "", app.url).searchParams.get("code");
    };
    const wrong: Array<string | null> = [];
    for (let i = 0; i < 11; i++) wrong.push(await outcome("locked@example.com", "wrong password"));
    expect(wrong).toEqual([...Array(10).fill("invalid_credentials"), "too_many_attempts"]);
    expect(await outcome("locked@example.com", PASSWORD)).toBe("too_many_attempts");
    expect(await outcome("colleague@example.com", PASSWORD)).toBe("signed-in");
  }, 90_000);
});

describeWithBuild("session cookie with an https APP_URL", () => {
  let app: AppServer;

  beforeAll(async () => {
    // Plain http to the server (as from a TLS-terminating proxy that forgot X-Forwarded-Proto); APP_URL says https.
    const port = await freePort();
    app = await startAppServer({
      port,
      env: {
        APP_URL: `https://127.0.0.1:${port}`,
        WECHAT_API_BASE: `http://127.0.0.1:${port}/sandbox`,
        BACKGROUND_JOBS: "0",
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await app?.database.drop();
  });

  it("sends Strict-Transport-Security with every page", async () => {
    for (const page of ["/", "/login", "/staff", "/no-such-page"]) {
      const response = await fetch(`${app.url}${page}`, { redirect: "manual" });
      expect(response.headers.get("strict-transport-security"), page).toBe("max-age=31536000");
    }
  });

  it("is __Secure- prefixed and Secure, and pages ask to upgrade insecure requests", async () => {
    const response = await postCredentialsOverHttp(app.url, "staff@demo.local", "demo-staff-password");
    const session = response.headers.getSetCookie().find((c) => SESSION_COOKIE.test(c));
    expect(session).toMatch(/^__Secure-authjs\.session-token=/);
    expect(cookieFlags(session!)).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
    expect((await fetch(`${app.url}/login`)).headers.get("content-security-policy")).toContain(
      "upgrade-insecure-requests",
    );
  });
});
