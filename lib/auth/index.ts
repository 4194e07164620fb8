import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { findUserById, type UserRole } from "@/db/queries/users";
import { checkCredentials } from "@/lib/auth/credentials";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http";
import { log } from "@/lib/log";

declare module "next-auth" {
  interface User {
    role?: UserRole;
    merchantId?: string | null;
    sessionVersion?: number;
  }
  interface Session {
    user: { id: string; role: UserRole; merchantId: string | null; sessionVersion?: number } & DefaultSession["user"];
  }
}

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}
export class AccountDisabled extends CredentialsSignin {
  code = "account_disabled";
}

const credentialsSchema = z.object({ email: z.email().max(200), password: z.string().min(1).max(200) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  // Read lazily: `next build` must not need runtime secrets.
  secret: getEnv().authSecret,
  // The portal is reached through its own APP_URL or a proxy in front of it (docs/toolchain.md G12).
  trustHost: true,
  // Security: an https APP_URL always gets `__Secure-` cookies marked Secure, even if the proxy in front forgets
  // X-Forwarded-Proto (next-auth would otherwise judge by the request's protocol and send them without Secure).
  // Otherwise next-auth decides per request.
  useSecureCookies: getEnv().appUrl.startsWith("https:") || undefined,
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
        const result = await checkCredentials(await getDb(), {
          ...parsed.data,
          address: clientAddress(request.headers, getEnv().trustedProxyHops),
        });
        if (!result.ok) throw result.reason === "too_many_attempts" ? new TooManyAttempts() : new InvalidCredentials();
        // Security: a disabled account cannot sign in. Checked here, after the password (so only its owner learns
        // that it is disabled), in the same read as the session version the new session carries.
        const state = await findUserById(await getDb(), result.user.id);
        if (!state) throw new InvalidCredentials();
        if (state.disabled) throw new AccountDisabled();
        return { ...result.user, sessionVersion: state.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.merchantId = user.merchantId ?? null;
        token.sv = user.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      session.user.role = token.role as UserRole;
      session.user.merchantId = (token.merchantId as string | null) ?? null;
      // A session from before session versions has none: it matches no user, so it signs in again once.
      session.user.sessionVersion = typeof token.sv === "number" ? token.sv : undefined;
      return session;
    },
  },
}));
