import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import type { UserRole } from "@/db/queries/users";
import { checkCredentials } from "@/lib/auth/credentials";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http";
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

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

const credentialsSchema = z.object({ email: z.email().max(200), password: z.string().min(1).max(200) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  // Read lazily: `next build` must not need runtime secrets.
  secret: getEnv().authSecret,
  // The portal is reached through its own APP_URL or a proxy in front of it (TOOLCHAIN G12).
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
        const result = await checkCredentials(await getDb(), { ...parsed.data, address: clientAddress(request.headers, getEnv().trustedProxyHops) });
        if (!result.ok) throw result.reason === "too_many_attempts" ? new TooManyAttempts() : new InvalidCredentials();
        return result.user;
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
