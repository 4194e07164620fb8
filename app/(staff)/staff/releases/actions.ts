"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAdmin, requireStaff } from "@/lib/auth/guards";
import { message, type ActionState } from "@/lib/i18n/message";
import { describeError } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { renderExtJson } from "@/lib/releases/release-kind";
import {
  accountCodeAction,
  changeTemplateLibrary,
  controlReleaseBatch,
  refreshAuditStatus,
  releaseWaitingTarget,
  retryReleaseTarget,
  startReleaseBatch,
  syncTemplates,
} from "@/lib/releases/staff-operations";
import { explainErrcode } from "@/lib/releases/wechat-answers";
import { appIdSchema } from "@/lib/wechat/app-id";
import { WechatApiError } from "@/lib/wechat/errors";

// Security: every action checks the role itself (requireStaff / requireAdmin re-read it from the database) and
// the operation it calls writes the audit log.

const actor = (s: { userId: string; email: string }) => ({ userId: s.userId, email: s.email });

function failure(error: unknown): ActionState {
  if (error instanceof WechatApiError) return { ok: false, message: explainErrcode(error.errcode) };
  return { ok: false, message: message("releases.detail.failed", { detail: describeError(error).slice(0, 200) }) };
}

const newBatchSchema = z.object({
  templateId: z.coerce.number().int().min(0),
  version: z.string().trim().min(1).max(64),
  description: z.string().trim().max(200).default(""),
  extJsonTemplate: z.string().max(20_000),
  onApproval: z.enum(["release", "gray", "merchant"]),
  grayPercentage: z.coerce.number().int().min(1).max(100).optional(),
  targets: z.enum(["all", "selection"]),
});

export async function createReleaseBatchAction(
  _prev: ActionState | undefined,
  formData: FormData,
): Promise<ActionState> {
  const staff = await requireStaff("/staff/releases/new");
  const raw = Object.fromEntries([...formData.entries()].filter(([k]) => k !== "appIds" && !k.startsWith("$")));
  if (raw.grayPercentage === "") delete raw.grayPercentage;
  const parsed = newBatchSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    return { ok: false, message: message("releases.new.invalid", { detail }) };
  }
  const { targets, ...params } = parsed.data;
  try {
    JSON.parse(
      renderExtJson(params.extJsonTemplate, {
        appId: "wx0",
        extAppid: "wx0",
        nickName: "",
        merchantName: "",
        principalName: "",
      }),
    );
  } catch {
    return { ok: false, message: message("releases.new.badExtJson") };
  }
  const appIds = formData
    .getAll("appIds")
    .map(String)
    .filter((id) => appIdSchema.safeParse(id).success);
  let batchId: number | null;
  try {
    const result = await startReleaseBatch(await getPlatform(), actor(staff), {
      params,
      appIds: targets === "all" ? "all" : appIds,
      title: params.version,
    });
    batchId = result.batchId;
  } catch (error) {
    return failure(error);
  }
  if (batchId === null) return { ok: false, message: message("releases.new.noTargets") };
  redirect(`/staff/releases/${batchId}`);
}

const idSchema = z.coerce.number().int().positive();

export async function controlBatchAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const staff = await requireStaff("/staff/releases");
  const batchId = idSchema.safeParse(formData.get("batchId"));
  const action = z.enum(["pause", "resume", "cancel"]).safeParse(formData.get("action"));
  if (!batchId.success || !action.success) return { ok: false, message: message("releases.detail.notDone") };
  const done = await controlReleaseBatch(await getPlatform(), actor(staff), batchId.data, action.data);
  revalidatePath(`/staff/releases/${batchId.data}`);
  return done
    ? { ok: true, message: message("releases.detail.done") }
    : { ok: false, message: message("releases.detail.notDone") };
}

export async function targetAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const staff = await requireStaff("/staff/releases");
  const targetId = idSchema.safeParse(formData.get("targetId"));
  const action = z.enum(["retry", "publish"]).safeParse(formData.get("action"));
  if (!targetId.success || !action.success) return { ok: false, message: message("releases.detail.notDone") };
  const platform = await getPlatform();
  const done =
    action.data === "retry"
      ? await retryReleaseTarget(platform, actor(staff), targetId.data)
      : await releaseWaitingTarget(platform, actor(staff), targetId.data);
  revalidatePath("/staff/releases");
  return done
    ? { ok: true, message: message("releases.detail.done") }
    : { ok: false, message: message("releases.detail.notDone") };
}

export async function accountCodeActionAction(
  _prev: ActionState | undefined,
  formData: FormData,
): Promise<ActionState> {
  const staff = await requireStaff("/staff/authorizations");
  const appId = appIdSchema.safeParse(formData.get("appId"));
  const action = z.enum(["refresh", "undo", "speedup", "revert", "revert_gray"]).safeParse(formData.get("action"));
  if (!appId.success || !action.success) return { ok: false, message: message("releases.detail.notDone") };
  const auditId = idSchema.safeParse(formData.get("auditId"));
  try {
    const platform = await getPlatform();
    if (action.data === "refresh") await refreshAuditStatus(platform, actor(staff), appId.data);
    else
      await accountCodeAction(
        platform,
        actor(staff),
        appId.data,
        action.data,
        auditId.success ? auditId.data : undefined,
      );
  } catch (error) {
    return failure(error);
  }
  revalidatePath(`/staff/authorizations/${appId.data}`);
  return { ok: true, message: message("releases.detail.done") };
}

export async function syncTemplatesAction(_prev: ActionState | undefined): Promise<ActionState> {
  await requireStaff("/staff/releases/templates");
  try {
    const count = await syncTemplates(await getPlatform());
    revalidatePath("/staff/releases/templates");
    return { ok: true, message: message("releases.templates.synced", { count }) };
  } catch (error) {
    return failure(error);
  }
}

export async function changeTemplatesAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  // Changing WeChat's template library is an admin decision.
  const admin = await requireAdmin("/staff/releases/templates");
  const draftId = z.coerce.number().int().min(0).safeParse(formData.get("draftId"));
  const templateId = z.coerce.number().int().min(0).safeParse(formData.get("templateId"));
  try {
    const platform = await getPlatform();
    const count =
      formData.get("action") === "add" && draftId.success
        ? await changeTemplateLibrary(platform, actor(admin), { kind: "add", draftId: draftId.data })
        : templateId.success
          ? await changeTemplateLibrary(platform, actor(admin), { kind: "delete", templateId: templateId.data })
          : null;
    if (count === null) return { ok: false, message: message("releases.detail.notDone") };
    revalidatePath("/staff/releases/templates");
    return { ok: true, message: message("releases.templates.synced", { count }) };
  } catch (error) {
    return failure(error);
  }
}
