import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { authorizers, type ReviewStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/staff/audit";
import { appIdSchema } from "@/lib/wechat/app-id";

/** A signed-in staff member (the caller checked requireStaff()). */
export interface ReviewActor {
  userId: string;
  email: string;
}

export const REVIEW_NOTE_MAX = 1000;

// Issue and AppError messages here are catalog keys (messages/<locale>/staffDetail.json → errors): the page
// translates them; `noteTooLong` takes `{ max: REVIEW_NOTE_MAX }`.
const noteSchema = z
  .string({ error: "staffDetail.errors.noteRequired" })
  .trim()
  .min(1, { error: "staffDetail.errors.noteRequired" })
  .max(REVIEW_NOTE_MAX, { error: "staffDetail.errors.noteTooLong" });

/**
 * What the page rendered: the review status (and the time of the last decision) the staff member was looking at.
 * A decision is refused when either changed meanwhile, instead of silently overwriting someone else's.
 */
const renderedSchema = {
  expectedStatus: z.enum(authorizers.reviewStatus.enumValues),
  /** ISO time of the last decision as rendered, "" for none; omitted: not checked. */
  expectedReviewedAt: z.string().max(40).optional(),
};

export const reviewDecisionSchema = z.object({
  appId: appIdSchema,
  decision: z.enum(["approve", "reject", "needs_info"]),
  note: noteSchema,
  ...renderedSchema,
});
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

export const conflictResolutionSchema = z.object({
  appId: appIdSchema,
  resolution: z.enum(["keep_owner", "transfer"]),
  note: noteSchema,
  /** The contesting merchant the page showed: a transfer never goes to someone the staff member did not see. */
  expectedContestedBy: z.uuid(),
});
export type ConflictResolution = z.infer<typeof conflictResolutionSchema>;

const DECISION_STATUS = { approve: "approved", reject: "rejected", needs_info: "needs_info" } as const satisfies Record<
  ReviewDecision["decision"],
  ReviewStatus
>;

const STALE_MESSAGE = "staffDetail.errors.stale";

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "staffDetail.errors.invalid");
  }
  return parsed.data;
}

async function lockAccount(tx: Pick<Db, "select">, appId: string) {
  const [row] = await tx
    .select({
      reviewStatus: authorizers.reviewStatus,
      reviewNote: authorizers.reviewNote,
      reviewedAt: authorizers.reviewedAt,
      merchantId: authorizers.merchantId,
      contestedByMerchantId: authorizers.contestedByMerchantId,
    })
    .from(authorizers)
    .where(eq(authorizers.appId, appId))
    .for("update");
  if (!row) throw new AppError("not_found", "staffDetail.errors.notFound");
  return row;
}

/**
 * Approve, reject or ask for more information, with a note the merchant sees. One transaction: the account's
 * review fields and the audit record commit together. Refused (AppError `conflict`, nothing written) when the
 * review changed since the page was rendered, or while an ownership conflict is open (resolve it first).
 */
export async function decideReview(db: Db, actor: ReviewActor, input: ReviewDecision | Record<string, unknown>) {
  const data = parseOrThrow(reviewDecisionSchema, input);
  const status = DECISION_STATUS[data.decision];
  return db.transaction(async (tx) => {
    const before = await lockAccount(tx, data.appId);
    const renderedAt = before.reviewedAt?.toISOString() ?? "";
    if (
      before.reviewStatus !== data.expectedStatus ||
      (data.expectedReviewedAt !== undefined && data.expectedReviewedAt !== renderedAt)
    ) {
      throw new AppError("conflict", STALE_MESSAGE);
    }
    if (before.contestedByMerchantId !== null) {
      throw new AppError("conflict", "staffDetail.errors.conflictFirst");
    }
    const [after] = await tx
      .update(authorizers)
      .set({
        reviewStatus: status,
        reviewNote: data.note,
        reviewedAt: sql`now()`,
        reviewedByUserId: actor.userId,
        updatedAt: sql`now()`,
      })
      .where(eq(authorizers.appId, data.appId))
      .returning({
        reviewStatus: authorizers.reviewStatus,
        reviewNote: authorizers.reviewNote,
        reviewedAt: authorizers.reviewedAt,
      });
    await recordAudit(tx, {
      actor,
      action: `review.${data.decision}`,
      targetType: "authorizer",
      targetId: data.appId,
      note: data.note,
      before: { reviewStatus: before.reviewStatus, reviewNote: before.reviewNote },
      after: { reviewStatus: status, reviewNote: data.note },
    });
    return after!;
  });
}

/**
 * An ownership conflict (a second merchant authorized an account another one holds): keep the current owner, or
 * transfer the account to the contesting merchant. Either way the claim is cleared and the account goes back to
 * review (pending); the note is recorded as the last decision and in the audit log. Refused when the conflict
 * was resolved, or the contesting merchant changed, since the page was rendered.
 */
export async function resolveConflict(db: Db, actor: ReviewActor, input: ConflictResolution | Record<string, unknown>) {
  const data = parseOrThrow(conflictResolutionSchema, input);
  return db.transaction(async (tx) => {
    const before = await lockAccount(tx, data.appId);
    if (before.contestedByMerchantId === null || before.contestedByMerchantId !== data.expectedContestedBy) {
      throw new AppError("conflict", STALE_MESSAGE);
    }
    const merchantId = data.resolution === "transfer" ? before.contestedByMerchantId : before.merchantId;
    const [after] = await tx
      .update(authorizers)
      .set({
        merchantId,
        contestedByMerchantId: null,
        reviewStatus: "pending",
        reviewNote: data.note,
        reviewedAt: sql`now()`,
        reviewedByUserId: actor.userId,
        updatedAt: sql`now()`,
      })
      .where(eq(authorizers.appId, data.appId))
      .returning({ reviewStatus: authorizers.reviewStatus, merchantId: authorizers.merchantId });
    await recordAudit(tx, {
      actor,
      action: `conflict.${data.resolution}`,
      targetType: "authorizer",
      targetId: data.appId,
      note: data.note,
      before: {
        reviewStatus: before.reviewStatus,
        reviewNote: before.reviewNote,
        merchantId: before.merchantId,
        contestedByMerchantId: before.contestedByMerchantId,
      },
      after: { reviewStatus: "pending", reviewNote: data.note, merchantId, contestedByMerchantId: null },
    });
    return after!;
  });
}
