"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn, signOut } from "@/lib/auth";
import { signUpMerchant } from "@/lib/auth/sign-up";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http";
import { retryAfterText } from "@/lib/rate-limit";
import { safeCallbackUrl } from "./safe-callback";

export type FormState =
  | { ok: false; message: string; fieldErrors?: Partial<Record<"businessName" | "email" | "password", string>> }
  | undefined;

const signInSchema = z.object({ email: z.email(), password: z.string().min(1) });

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const input = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!input.success) return { ok: false, message: "请输入邮箱和密码 · Enter your email and password" };
  try {
    await signIn("credentials", { ...input.data, redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "too_many_attempts") return { ok: false, message: "尝试次数过多，请 15 分钟后再试 · Too many attempts; try again in 15 minutes" };
      if (code === "account_disabled") return { ok: false, message: "此账号已被管理员停用 · This account has been disabled by an admin" };
      return { ok: false, message: "邮箱或密码不正确 · Wrong email or password" };
    }
    throw error;
  }
  return undefined;
}

const signUpSchema = z.object({
  businessName: z.string().trim().min(2, { error: "请填写企业名称（至少 2 个字）· At least 2 characters" }).max(100),
  email: z.email({ error: "邮箱格式不正确 · Not a valid email" }).max(200),
  password: z.string().min(10, { error: "密码至少 10 位 · At least 10 characters" }).max(200),
});

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const input = signUpSchema.safeParse({
    businessName: formData.get("businessName"),
    email: formData.get("email"),
    password: formData.get("password"),
  });
  if (!input.success) {
    const flat = z.flattenError(input.error).fieldErrors;
    return {
      ok: false,
      message: "请检查填写的内容 · Please check the form",
      fieldErrors: { businessName: flat.businessName?.[0], email: flat.email?.[0], password: flat.password?.[0] },
    };
  }
  const result = await signUpMerchant(await getDb(), {
    ...input.data,
    address: clientAddress(await headers(), getEnv().trustedProxyHops),
  });
  if (!result.ok && result.reason === "rate_limited") {
    const wait = retryAfterText(result.retryAfterSeconds);
    return { ok: false, message: `来自您网络的注册过于频繁，请 ${wait.zh}后再试 · Too many sign-ups from your network; try again in ${wait.en}` };
  }
  if (!result.ok) {
    return { ok: false, message: "该邮箱已注册 · This email is already registered", fieldErrors: { email: "该邮箱已注册，请直接登录 · Already registered: sign in instead" } };
  }
  await signIn("credentials", { email: input.data.email, password: input.data.password, redirectTo: "/accounts" });
  return undefined;
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
