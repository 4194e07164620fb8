import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { actionFormFieldsByTestId, clientActionRequest, fill, multipart } from "../support/action-forms";
import { describeWithBuild } from "../support/build";
import { postCredentialsOverHttp, SESSION_COOKIE, signInOverHttp } from "../support/sign-in";
import { withAppServer } from "../support/with-app-server";

// Admin-only pages and actions over HTTP with a plain `staff` user (403 everywhere, nothing changed), and what
// disabling and demoting do to sessions that already exist: they stop working at their next request.

const PASSWORD = "correct horse battery";
const ADMIN = "admin@example.com";
const SECOND_ADMIN = "second@example.com";
const STAFF = "staff@example.com";
const TARGET = "target@example.com";
const STOPPED = "stopped@example.com";

/** Every admin-only page of the console. */
const ADMIN_PAGES = ["/staff/users"];

describeWithBuild("admin pages and actions over HTTP", () => {
  const ids = new Map<string, string>();
  const app = withAppServer({
    env: { BACKGROUND_JOBS: "0" },
    seed: async (database) => {
      const passwordHash = await hashPassword(PASSWORD);
      for (const [email, role] of [
        [ADMIN, "admin"],
        [SECOND_ADMIN, "admin"],
        [STAFF, "staff"],
        [TARGET, "staff"],
        [STOPPED, "staff"],
      ] as const) {
        const [row] = await database.db.insert(users).values({ email, passwordHash, role }).returning({ id: users.id });
        ids.set(email, row!.id);
      }
      await database.db
        .update(users)
        .set({ disabledAt: sql`now()` })
        .where(eq(users.email, STOPPED));
    },
  });

  const page = async (cookie: string, path = "/staff/users") =>
    fetch(`${app.url}${path}`, { headers: { cookie }, redirect: "manual" });
  const usersPage = async (cookie: string) => {
    const response = await page(cookie);
    expect(response.status).toBe(200);
    return response.text();
  };
  /** Posts a server-action form of /staff/users (fields taken from what an admin was shown) with `cookie`. */
  const post = (cookie: string, fields: Array<[string, string]>) =>
    fetch(`${app.url}/staff/users`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: app.url },
      body: multipart(fields),
    });
  /** Calls the same action as the page's JavaScript does. */
  const call = (cookie: string, fields: Array<[string, string]>) => {
    const request = clientActionRequest(fields);
    return fetch(`${app.url}/staff/users`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: app.url, ...request.headers },
      body: request.body,
    });
  };
  const row = (html: string, email: string) =>
    html.match(new RegExp(`<li[^>]*data-testid="staff-row-${email.replace(/\./g, "\\.")}"[^>]*>`))?.[0] ?? "";
  const signInCode = async (email: string) => {
    const response = await postCredentialsOverHttp(app.url, email, PASSWORD);
    if (response.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))) return "signed-in";
    return new URL(response.headers.get("location") ?? "", app.url).searchParams.get("code");
  };

  it("a plain staff member gets 403 on every admin page and every admin action, and nothing changes", async () => {
    const admin = await signInOverHttp(app.url, ADMIN, PASSWORD);
    const staff = await signInOverHttp(app.url, STAFF, PASSWORD);
    // A pending invitation, so that its revoke form is on the page.
    const invite = actionFormFieldsByTestId(await usersPage(admin), "invite-submit");
    expect((await call(admin, fill(invite, { email: "pending@example.com", role: "staff" }))).status).toBe(200);

    // Staff see the console, but not its admin pages.
    expect((await page(staff, "/staff")).status).toBe(200);
    for (const path of ADMIN_PAGES) expect((await page(staff, path)).status, path).toBe(403);

    const html = await usersPage(admin);
    const forged: Array<[string, Array<[string, string]>]> = [
      ["invite", fill(actionFormFieldsByTestId(html, "invite-submit"), { email: "friend@example.com", role: "admin" })],
      ["make admin", actionFormFieldsByTestId(html, `role-change-${ids.get(TARGET)}`)],
      ["demote an admin", actionFormFieldsByTestId(html, `role-change-${ids.get(SECOND_ADMIN)}`)],
      ["disable", actionFormFieldsByTestId(html, `disable-${ids.get(TARGET)}`)],
      ["enable", actionFormFieldsByTestId(html, `enable-${ids.get(STOPPED)}`)],
      ["revoke an invitation", actionFormFieldsByTestId(html, "invitation-revoke")],
    ];
    const answers: Record<string, number> = {};
    for (const [name, fields] of forged) {
      // As the page's JavaScript calls it: Next's forbidden() answer.
      answers[name] = (await call(staff, fields)).status;
      // As a plain form post (no JavaScript): refused too (Next renders its not-found page for an interrupt there).
      answers[`${name} (form post)`] = (await post(staff, fields)).status;
    }
    expect(answers).toEqual(
      Object.fromEntries(
        forged.flatMap(([name]) => [
          [name, 403],
          [`${name} (form post)`, 404],
        ]),
      ),
    );
    // The staff member making themselves admin is refused too.
    expect((await call(staff, actionFormFieldsByTestId(html, `role-change-${ids.get(STAFF)}`))).status).toBe(403);

    // Nothing changed.
    const after = await usersPage(admin);
    expect(row(after, TARGET)).toContain('data-disabled="false"');
    expect(row(after, STOPPED)).toContain('data-disabled="true"');
    expect(after).toContain('data-testid="invitation-row-pending@example.com"');
    expect(after).not.toContain("friend@example.com");
    for (const [email, role] of [
      [TARGET, "staff"],
      [STAFF, "staff"],
      [SECOND_ADMIN, "admin"],
    ] as const) {
      expect(
        after.match(new RegExp(`staff-row-${email.replace(/\./g, "\\.")}"[\\s\\S]*?data-role="(\\w+)"`))?.[1],
        email,
      ).toBe(role);
    }
  });

  it("disabling ends the user's session at their next request and stops sign-in; enabling lets them sign in again", async () => {
    const admin = await signInOverHttp(app.url, ADMIN, PASSWORD);
    const target = await signInOverHttp(app.url, TARGET, PASSWORD);
    expect((await page(target, "/staff")).status).toBe(200);

    // The same replayed form that a staff member was refused works for the admin.
    const disabled = await call(admin, actionFormFieldsByTestId(await usersPage(admin), `disable-${ids.get(TARGET)}`));
    expect(disabled.status).toBe(200);
    // The action answers with a catalog message (messages/<locale>/staffUsers.json), rendered in the reader's language.
    const disabledAnswer = await disabled.text();
    expect(disabledAnswer).toContain('"key":"staffUsers.userDisabled"');
    expect(disabledAnswer).toContain('"email":"target@example.com"');
    expect(row(await usersPage(admin), TARGET)).toContain('data-disabled="true"');

    const next = await page(target, "/staff");
    expect(next.status).toBe(307);
    expect(next.headers.get("location")).toMatch(/^\/login\?callbackUrl=/);
    expect((await page(target, "/staff/authorizations/export")).status).toBe(302);
    expect(await signInCode(TARGET)).toBe("account_disabled");

    expect(
      (await call(admin, actionFormFieldsByTestId(await usersPage(admin), `enable-${ids.get(TARGET)}`))).status,
    ).toBe(200);
    expect(row(await usersPage(admin), TARGET)).toContain('data-disabled="false"');
    // The old session stays ended; a new sign-in works.
    expect((await page(target, "/staff")).status).toBe(307);
    expect(await signInCode(TARGET)).toBe("signed-in");
  });

  it("a demoted admin's session ends at once and the invitations they created stop working", async () => {
    const admin = await signInOverHttp(app.url, ADMIN, PASSWORD);
    const second = await signInOverHttp(app.url, SECOND_ADMIN, PASSWORD);
    const invited = await post(
      second,
      fill(actionFormFieldsByTestId(await usersPage(second), "invite-submit"), {
        email: "by-second@example.com",
        role: "admin",
      }),
    );
    const link = (await invited.text()).match(
      /data-testid="invite-link"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="invite-link"/,
    );
    const invitePath = new URL((link?.[1] ?? link?.[2])!).pathname;
    expect(invitePath).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(await (await fetch(`${app.url}${invitePath}`)).text()).toContain("by-second@example.com");

    expect(
      (await call(admin, actionFormFieldsByTestId(await usersPage(admin), `role-change-${ids.get(SECOND_ADMIN)}`)))
        .status,
    ).toBe(200);
    const next = await page(second, "/staff/users");
    expect(next.status).toBe(307);
    expect(next.headers.get("location")).toMatch(/^\/login\?/);
    expect(await (await fetch(`${app.url}${invitePath}`)).text()).toContain("邀请链接已过期");

    // Signed in again: staff now, so the admin page is refused.
    const again = await signInOverHttp(app.url, SECOND_ADMIN, PASSWORD);
    expect((await page(again, "/staff/users")).status).toBe(403);
    expect((await page(again, "/staff")).status).toBe(200);
  });

  it("an admin cannot disable themselves (the form is not offered, and the action refuses)", async () => {
    const admin = await signInOverHttp(app.url, ADMIN, PASSWORD);
    const html = await usersPage(admin);
    expect(html).toMatch(new RegExp(`data-testid="disable-${ids.get(ADMIN)}"[^>]*disabled=""`));
    const refused = await call(admin, actionFormFieldsByTestId(html, `disable-${ids.get(ADMIN)}`));
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('"key":"staffUsers.errors.self"');
    expect((await page(admin, "/staff/users")).status).toBe(200);
  });
});
