import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { clearLoginFailures, countRecentLoginFailures, findUserByEmail, recordLoginFailure, type UserRole } from "@/db/queries/users";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";

declare module "next-auth" {
  interface User {
    role?: UserRole;
    merchantId?: string | null;
  }
  interface Session {
    user: { id: string; role: UserRole; merchantId: string | null } & DefaultSession["user"];
  }
}

/**
 * Per email: after 3 failures in 15 minutes each attempt waits longer; after 10, none is checked until the
 * window passes. Per client address only the slowdown applies, and later (many people can share one address).
 */
const SLOW_AFTER_FAILURES = 3;
const BLOCK_AFTER_FAILURES = 10;
const ADDRESS_FAILURES_PER_EMAIL_FAILURE = 5;

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

const credentialsSchema = z.object({ email: z.email().max(200), password: z.string().min(1).max(200) });

function clientAddress(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || request.headers.get("x-real-ip") || "local";
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  // Read lazily: `next build` must not need runtime secrets.
  secret: getEnv().authSecret,
  // The portal is reached through its own APP_URL or a proxy in front of it (TOOLCHAIN G12).
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/login" },
  logger: {
    // next-auth logs a stack for every failed sign-in; one line without details is enough.
    error: (error) => log.warn("auth", { error: error.name }),
    warn: () => {},
    debug: () => {},
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const email = parsed.data.email.toLowerCase();
        const db = await getDb();
        const keys = [`email:${email}`, `ip:${clientAddress(request)}`] as const;
        const [byEmail, byAddress] = await Promise.all(keys.map((k) => countRecentLoginFailures(db, k)));
        if (byEmail! >= BLOCK_AFTER_FAILURES) throw new TooManyAttempts();
        const failures = Math.max(byEmail!, Math.floor(byAddress! / ADDRESS_FAILURES_PER_EMAIL_FAILURE));
        if (failures >= SLOW_AFTER_FAILURES) {
          // Security: each further guess costs the guesser more time.
          await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** (failures - SLOW_AFTER_FAILURES), 4000)));
        }
        const user = await findUserByEmail(db, email);
        const ok = user ? await verifyPassword(parsed.data.password, user.passwordHash) : (await burnPasswordCheck(parsed.data.password), false);
        if (!user || !ok) {
          await Promise.all(keys.map((k) => recordLoginFailure(db, k)));
          throw new InvalidCredentials();
        }
        await clearLoginFailures(db, keys[0]);
        return { id: user.id, email: user.email, role: user.role, merchantId: user.merchantId };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.merchantId = user.merchantId ?? null;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      session.user.role = token.role as UserRole;
      session.user.merchantId = (token.merchantId as string | null) ?? null;
      return session;
    },
  },
}));
