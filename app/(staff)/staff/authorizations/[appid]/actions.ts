"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { getDb, type Db } from "@/db";
import { requireStaff } from "@/lib/auth/guards";
import { isAppError } from "@/lib/errors";
import { message, type Message } from "@/lib/i18n/message";
import { describeError, log } from "@/lib/log";
import {
  conflictResolutionSchema,
  decideReview,
  resolveConflict,
  REVIEW_NOTE_MAX,
  reviewDecisionSchema,
  type ReviewActor,
} from "@/lib/staff/review";

export type ReviewFormState =
  | { ok: true; message: Message }
  | {
      ok: false;
      message: Message;
      /** The page is out of date: offer a reload. */
      stale?: boolean;
      fieldErrors?: { note?: Message };
    }
  | undefined;

/** lib/staff/review.ts words its refusals as catalog keys; the note's limit is the one value they take. */
const reviewMessage = (key: string) => message(key, { max: REVIEW_NOTE_MAX });

const text = (formData: FormData, key: string) => {
  const value = formData.get(key);
  return typeof value === "string" ? value : undefined;
};

/**
 * The schema's fields as posted (text; a missing one stays undefined, so the schema words the refusal, e.g. a missing
 * note is "required" like an empty one).
 */
function parsePosted<Schema extends z.ZodObject>(schema: Schema, formData: FormData) {
  return schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((key) => [key, text(formData, key)])));
}

function returnTo(formData: FormData): string {
  const appId = text(formData, "appId");
  return appId ? `/staff/authorizations/${encodeURIComponent(appId)}` : "/staff/authorizations";
}

function invalid(error: z.ZodError): ReviewFormState {
  const note = error.issues.find((issue) => issue.path[0] === "note")?.message;
  return note
    ? { ok: false, message: message("staffDetail.errors.checkNote"), fieldErrors: { note: reviewMessage(note) } }
    : { ok: false, message: message("staffDetail.errors.invalidRequest"), stale: true };
}

function failed(error: unknown): ReviewFormState {
  if (isAppError(error)) {
    return {
      ok: false,
      message: reviewMessage(error.message),
      stale: error.code === "conflict" || error.code === "not_found",
    };
  }
  log.error("staff review not saved", { error: describeError(error) });
  return { ok: false, message: message("staffDetail.errors.saveFailed") };
}

/**
 * One review step by `staff` (already checked by the action) on the posted account: a bad form or a refusal becomes
 * the form's answer; once saved, the pages showing the account are revalidated and `outcome` gives the catalog key of
 * what happened.
 */
async function saveReviewStep<Input extends { appId: string }>(
  staff: ReviewActor,
  input: z.ZodSafeParseResult<Input>,
  save: (db: Db, actor: ReviewActor, input: Input) => Promise<unknown>,
  outcome: (input: Input) => string,
): Promise<ReviewFormState> {
  if (!input.success) return invalid(input.error);
  try {
    await save(await getDb(), { userId: staff.userId, email: staff.email }, input.data);
  } catch (error) {
    return failed(error);
  }
  revalidatePath(`/staff/authorizations/${input.data.appId}`);
  revalidatePath("/staff/authorizations");
  revalidatePath("/staff/audit");
  return { ok: true, message: message(outcome(input.data)) };
}

/** 通过 / 拒绝 / 需要补充信息, with the note the merchant will see. */
export async function decideReviewAction(_prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  // Security: Server Functions are plain POST endpoints; the role is re-read from the database on every call.
  const staff = await requireStaff(returnTo(formData));
  const input = parsePosted(reviewDecisionSchema, formData);
  return saveReviewStep(staff, input, decideReview, (data) => `staffDetail.outcome.${data.decision}`);
}

/** An ownership conflict: keep the current merchant, or transfer the account to the one who claimed it. */
export async function resolveConflictAction(_prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  const staff = await requireStaff(returnTo(formData));
  const input = parsePosted(conflictResolutionSchema, formData);
  return saveReviewStep(staff, input, resolveConflict, (data) => `staffDetail.outcome.${data.resolution}`);
}
