import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { authorizerGrants, authorizers } from "@/db/schema";

/**
 * What a merchant page shows of an account: no tokens, no other merchant's ids. The review's note and date are
 * the merchant's to see; who reviewed is internal.
 */
export const merchantView = {
  appId: authorizers.appId,
  kind: authorizers.kind,
  nickName: authorizers.nickName,
  headImg: authorizers.headImg,
  userName: authorizers.userName,
  principalName: authorizers.principalName,
  alias: authorizers.alias,
  serviceTypeId: authorizers.serviceTypeId,
  verifyTypeId: authorizers.verifyTypeId,
  accountStatus: authorizers.accountStatus,
  funcIds: authorizers.funcIds,
  status: authorizers.status,
  reviewStatus: authorizers.reviewStatus,
  reviewNote: authorizers.reviewNote,
  reviewedAt: authorizers.reviewedAt,
  authorizedAt: authorizers.authorizedAt,
  revokedAt: authorizers.revokedAt,
  profileUpdatedAt: authorizers.profileUpdatedAt,
  updatedAt: authorizers.updatedAt,
};

export type MerchantAuthorizer = Awaited<ReturnType<typeof listMerchantAuthorizers>>[number];

export async function listMerchantAuthorizers(db: Db, merchantId: string) {
  return db
    .select(merchantView)
    .from(authorizers)
    .where(eq(authorizers.merchantId, merchantId))
    .orderBy(desc(authorizers.createdAt));
}

/** One account, only if this merchant holds it. */
export async function findMerchantAuthorizer(db: Db, merchantId: string, appId: string) {
  const [row] = await db
    .select(merchantView)
    .from(authorizers)
    .where(and(eq(authorizers.merchantId, merchantId), eq(authorizers.appId, appId)));
  return row;
}

/**
 * The account's latest grants, newest first, only if this merchant holds the account (one query: the join is
 * the scope check).
 */
export async function listMerchantAuthorizerGrants(db: Db, merchantId: string, appId: string, limit: number) {
  return db
    .select({
      source: authorizerGrants.source,
      funcIds: authorizerGrants.funcIds,
      createdAt: authorizerGrants.createdAt,
    })
    .from(authorizerGrants)
    .innerJoin(authorizers, eq(authorizers.appId, authorizerGrants.appId))
    .where(and(eq(authorizerGrants.appId, appId), eq(authorizers.merchantId, merchantId)))
    .orderBy(desc(authorizerGrants.id))
    .limit(limit);
}
