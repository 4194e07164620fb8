"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { getDb } from "@/db";
import { requireStaff } from "@/lib/auth/guards";
import { isAppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import { conflictResolutionSchema, decideReview, resolveConflict, reviewDecisionSchema } from "@/lib/staff/review";

export type ReviewFormState =
  | { ok: true; message: string }
  | { ok: false; message: string; /** The page is out of date: offer a reload. */ stale?: boolean; fieldErrors?: { note?: string } }
  | undefined;

const DECIDED = {
  approve: "已通过审核 · Approved",
  reject: "已拒绝 · Rejected",
  needs_info: "已要求商户补充信息 · Information requested from the merchant",
} as const;
const RESOLVED = {
  keep_owner: "已保留当前商户，账号回到待审核 · Kept the current merchant; the account is pending review again",
  transfer: "已转移给申请的商户，账号回到待审核 · Transferred to the claimant; the account is pending review again",
} as const;

const text = (formData: FormData, key: string) => {
  const value = formData.get(key);
  return typeof value === "string" ? value : undefined;
};

function returnTo(formData: FormData): string {
  const appId = text(formData, "appId");
  return appId ? `/staff/authorizations/${encodeURIComponent(appId)}` : "/staff/authorizations";
}

function invalid(error: z.ZodError): ReviewFormState {
  const note = error.issues.find((issue) => issue.path[0] === "note")?.message;
  return note
    ? { ok: false, message: "请检查审核备注 · Please check the review note", fieldErrors: { note } }
    : { ok: false, message: "请求无效，请重新加载页面 · Invalid request; reload the page", stale: true };
}

function failed(error: unknown): ReviewFormState {
  if (isAppError(error)) return { ok: false, message: error.message, stale: error.code === "conflict" || error.code === "not_found" };
  log.error("staff review not saved", { error: describeError(error) });
  return { ok: false, message: "保存失败，请稍后重试 · Could not save; please try again" };
}

function revalidateAccount(appId: string): void {
  revalidatePath(`/staff/authorizations/${appId}`);
  revalidatePath("/staff/authorizations");
  revalidatePath("/staff/audit");
}

/** 通过 / 拒绝 / 需要补充信息, with the note the merchant will see. */
export async function decideReviewAction(_prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  // Security: Server Functions are plain POST endpoints; the role is re-read from the database on every call.
  const staff = await requireStaff(returnTo(formData));
  const input = reviewDecisionSchema.safeParse({
    appId: text(formData, "appId"),
    decision: text(formData, "decision"),
    note: text(formData, "note") ?? "",
    expectedStatus: text(formData, "expectedStatus"),
    expectedReviewedAt: text(formData, "expectedReviewedAt"),
  });
  if (!input.success) return invalid(input.error);
  try {
    await decideReview(await getDb(), { userId: staff.userId, email: staff.email }, input.data);
  } catch (error) {
    return failed(error);
  }
  revalidateAccount(input.data.appId);
  return { ok: true, message: DECIDED[input.data.decision] };
}

/** An ownership conflict: keep the current merchant, or transfer the account to the one who claimed it. */
export async function resolveConflictAction(_prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  const staff = await requireStaff(returnTo(formData));
  const input = conflictResolutionSchema.safeParse({
    appId: text(formData, "appId"),
    resolution: text(formData, "resolution"),
    note: text(formData, "note") ?? "",
    expectedContestedBy: text(formData, "expectedContestedBy"),
  });
  if (!input.success) return invalid(input.error);
  try {
    await resolveConflict(await getDb(), { userId: staff.userId, email: staff.email }, input.data);
  } catch (error) {
    return failed(error);
  }
  revalidateAccount(input.data.appId);
  return { ok: true, message: RESOLVED[input.data.resolution] };
}
