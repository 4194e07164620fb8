import {
  describeAccountStatus,
  describeServiceType,
  describeVerifyType,
  type AccountKind,
  type Description,
} from "@/lib/wechat/permissions";

/**
 * The coded parts of an account's WeChat profile (service type, verification, account status) described, each null
 * while WeChat has not said. The merchant's account page and staff's profile card show the same three.
 */
export function describeProfileCodes(account: {
  kind: AccountKind | null;
  serviceTypeId: number | null;
  verifyTypeId: number | null;
  accountStatus: number | null;
}): Record<"serviceType" | "verify" | "accountStatus", Description | null> {
  return {
    serviceType:
      account.kind && account.serviceTypeId !== null ? describeServiceType(account.kind, account.serviceTypeId) : null,
    verify: account.verifyTypeId !== null ? describeVerifyType(account.verifyTypeId) : null,
    accountStatus: account.accountStatus !== null ? describeAccountStatus(account.accountStatus) : null,
  };
}
