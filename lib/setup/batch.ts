import { z } from "zod";
import { findSetupProfile } from "@/db/queries/setup";
import { answerOf, okAnswer, type BatchKind } from "@/lib/jobs/batches";
import type { Platform } from "@/lib/platform";
import { WechatApiError } from "@/lib/wechat/errors";
import { applySetupProfile, explainSetupError, refreshSetupState } from "./service";

/**
 * Batch kind `setup.apply` (lib/jobs/kinds.ts): apply the setup profile to each target account, then read its state
 * back. Both steps are safe to repeat: the `*_directly` calls use action `set`, so a second run sets the same values.
 */
export const SETUP_APPLY_KIND = "setup.apply";

/** WeChat refusals that another attempt will not change: the target fails with the explanation. */
const FINAL_ERRCODES = new Set([
  45082, 48001, 61003, 61007, 85015, 85016, 85301, 85302, 85303, 86100, 86101, 86102, 86103, 89029, 89231, 506015,
]);

export const setupApplyKind: BatchKind<Platform, Record<string, never>> = {
  kind: SETUP_APPLY_KIND,
  initialStep: "apply",
  paramsSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  maxAttempts: 5,
  async runStep({ deps, target }) {
    if (target.step === "apply") {
      // No profile yet (a grant before staff wrote one): the account's state is still read, for its checklist.
      if (!(await findSetupProfile(deps.database.db))) return { type: "next", step: "read" };
      try {
        const result = await applySetupProfile(deps, target.appId);
        if (!result.ok) return { type: "fail", outcome: result.problems[0]! };
        return {
          type: "done",
          status: "succeeded",
          answer: okAnswer("wxa/modify_domain_directly"),
          data: { privacyApplied: result.privacyApplied },
        };
      } catch (error) {
        if (error instanceof WechatApiError && FINAL_ERRCODES.has(error.errcode)) {
          return { type: "fail", outcome: explainSetupError(error), answer: answerOf(error) };
        }
        throw error;
      }
    }
    await refreshSetupState(deps, target.appId);
    return { type: "done", status: "succeeded" };
  },
};
