"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn, signOut } from "@/lib/auth";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { signUpMerchant } from "@/lib/auth/sign-up";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http";
import { message, type Message } from "@/lib/i18n/message";
import { retryAfterMinutes } from "@/lib/rate-limit";
import { fieldErrorMessages, formFields } from "./form-fields";
import { safeCallbackUrl } from "./safe-callback";

const SIGN_UP_FIELDS = ["businessName", "email", "password"] as const;

export type FormState =
  { ok: false; message: Message; fieldErrors?: Partial<Record<(typeof SIGN_UP_FIELDS)[number], Message>> } | undefined;

const signInSchema = z.object({ email: z.email(), password: z.string().min(1) });

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const input = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!input.success) return { ok: false, message: message("auth.errors.missingCredentials") };
  try {
    await signIn("credentials", { ...input.data, redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "too_many_attempts") return { ok: false, message: message("auth.errors.tooManyAttempts") };
      if (code === "account_disabled") return { ok: false, message: message("auth.errors.accountDisabled") };
      return { ok: false, message: message("auth.errors.wrongCredentials") };
    }
    throw error;
  }
  return undefined;
}

// Each issue's text is a catalog key (messages/<locale>/auth.json → errors).
const signUpSchema = z.object({
  businessName: z
    .string({ error: "auth.errors.businessNameShort" })
    .trim()
    .min(2, { error: "auth.errors.businessNameShort" })
    .max(100, { error: "auth.errors.businessNameLong" }),
  email: z.email({ error: "auth.errors.emailInvalid" }).max(200, { error: "auth.errors.emailInvalid" }),
  password: z
    .string({ error: "auth.errors.passwordShort" })
    .min(MIN_PASSWORD_LENGTH, { error: "auth.errors.passwordShort" })
    .max(MAX_PASSWORD_LENGTH, { error: "auth.errors.passwordLong" }),
});

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const input = signUpSchema.safeParse(formFields(formData, SIGN_UP_FIELDS));
  if (!input.success) {
    return {
      ok: false,
      message: message("auth.errors.checkForm"),
      fieldErrors: fieldErrorMessages(input.error, SIGN_UP_FIELDS),
    };
  }
  const result = await signUpMerchant(await getDb(), {
    ...input.data,
    address: clientAddress(await headers(), getEnv().trustedProxyHops),
  });
  if (!result.ok && result.reason === "rate_limited") {
    return {
      ok: false,
      message: message("auth.errors.signUpRateLimited", { minutes: retryAfterMinutes(result.retryAfterSeconds) }),
    };
  }
  if (!result.ok) {
    return {
      ok: false,
      message: message("auth.errors.emailTaken"),
      fieldErrors: { email: message("auth.errors.emailTakenField") },
    };
  }
  await signIn("credentials", { email: input.data.email, password: input.data.password, redirectTo: "/accounts" });
  return undefined;
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
