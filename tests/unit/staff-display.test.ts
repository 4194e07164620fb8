import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "@/lib/staff/authorizer-detail";
import { CATALOGS } from "@/lib/i18n/catalogs";
import type { Locale } from "@/lib/i18n/config";
import { formatDurationPrecise } from "@/lib/i18n/duration";
import { diffChanges, diffFuncIds } from "@/lib/staff/diff";
import { isSecretKey, MASKED, maskSecrets } from "@/lib/staff/mask";
import { describeTimelineEntry } from "@/lib/staff/timeline-labels";

describe("maskSecrets", () => {
  it("masks credentials by key, deeply, and shows an authorization code's ends only", () => {
    const masked = maskSecrets({
      InfoType: "authorized",
      AuthorizerAppid: "wx0123456789abcdef",
      AuthorizationCode: "queryauthcode@@@Zy8fQ93f",
      authorizationCode: "short",
      AuthorizationCodeExpiredTime: 600,
      authorizationCodeExpiresAt: 1_777_000_000,
      PreAuthCode: "preauthcode@@@abc",
      ComponentVerifyTicket: "ticket@@@xyz",
      fields: { authorizer_refresh_token: "refreshtoken@@@r", nested: [{ access_token: "at", errcode: 40001 }] },
      EncodingAESKey: "k".repeat(43),
      password: "p",
      refreshTokenChanged: true,
      empty: null,
    });
    expect(masked).toEqual({
      InfoType: "authorized",
      AuthorizerAppid: "wx0123456789abcdef",
      AuthorizationCode: "quer…3f (masked)",
      authorizationCode: MASKED,
      AuthorizationCodeExpiredTime: 600,
      authorizationCodeExpiresAt: 1_777_000_000,
      PreAuthCode: MASKED,
      ComponentVerifyTicket: MASKED,
      fields: { authorizer_refresh_token: MASKED, nested: [{ access_token: MASKED, errcode: 40001 }] },
      EncodingAESKey: MASKED,
      password: MASKED,
      refreshTokenChanged: true,
      empty: null,
    });
    expect(JSON.stringify(masked)).not.toMatch(/Zy8fQ9|preauthcode@@@|ticket@@@|refreshtoken@@@|kkkk/);
  });

  it("recognises secret-looking keys but not their metadata", () => {
    for (const key of [
      "token",
      "accessToken",
      "authorizer_access_token",
      "ticket",
      "code",
      "auth_code",
      "secret",
      "appsecret",
      "password",
      "key",
      "api_key",
      "signature",
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      "errcode",
      "expires_in",
      "tokenExpiresAt",
      "AuthorizationCodeExpiredTime",
      "kind",
      "appId",
      "trigger",
      "keyboard",
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe("diffs", () => {
  it("keeps only changed keys, in a stable order", () => {
    expect(
      diffChanges(
        { reviewNote: null, reviewStatus: "pending", merchantId: "a" },
        { reviewStatus: "approved", reviewNote: "ok", merchantId: "a" },
      ),
    ).toEqual([
      { key: "reviewStatus", before: "pending", after: "approved" },
      { key: "reviewNote", before: null, after: "ok" },
    ]);
    expect(diffChanges(null, { b: { y: 1, x: 2 }, a: 1 })).toEqual([
      { key: "a", before: null, after: 1 },
      { key: "b", before: null, after: { y: 1, x: 2 } },
    ]);
    expect(diffChanges({ o: { x: 1, y: 2 } }, { o: { y: 2, x: 1 } })).toEqual([]);
  });

  it("says what a grant added and removed", () => {
    expect(diffFuncIds(null, [15, 1])).toEqual({ added: [1, 15], removed: [] });
    expect(diffFuncIds([1, 2, 15], [1, 11, 2])).toEqual({ added: [11], removed: [15] });
  });
});

describe("timeline labels", () => {
  const base = { id: 1, at: new Date(0), cursor: "c" };
  const words = (locale: Locale) => {
    const t = createTranslator({ locale, messages: CATALOGS[locale] });
    const tDuration = createTranslator({ locale, messages: CATALOGS[locale], namespace: "common.duration" });
    return { t, duration: (seconds: number) => formatDurationPrecise(tDuration, seconds) };
  };
  const zh = words("zh-CN");
  const en = words("en");

  it("labels each source in both languages", () => {
    const entries: TimelineEntry[] = [
      { ...base, source: "wechat_event", kind: "authorized", createTime: 1, processError: null, payload: {} },
      { ...base, source: "wechat_event", kind: "weapp_audit_success", createTime: 1, processError: null, payload: {} },
      { ...base, source: "grant", kind: "updateauthorized", funcIds: [1], added: [1], removed: [] },
      { ...base, source: "activity", kind: "token_refreshed", detail: { trigger: "scheduled", expiresIn: 7200 } },
      {
        ...base,
        source: "activity",
        kind: "token_refresh_failed",
        detail: { trigger: "manual", errcode: 45009, error: "WeChat error 45009" },
      },
      { ...base, source: "activity", kind: "reconcile_repair", detail: { action: "restored" } },
      { ...base, source: "audit", kind: "review.approve", actorEmail: "s@example.com", note: "ok", changes: [] },
      { ...base, source: "audit", kind: "constructor", actorEmail: "s@example.com", note: null, changes: [] },
    ];
    expect(entries.map((e) => describeTimelineEntry(e, zh.t, zh.duration))).toEqual([
      { label: "微信通知：授权成功", facts: [] },
      { label: "微信推送：weapp_audit_success", facts: [] },
      { label: "微信通知：授权已更新", facts: [] },
      { label: "access_token 已刷新", facts: ["定时", "有效期 2 小时"] },
      { label: "access_token 刷新失败", facts: ["手动", "错误码 45009", "WeChat error 45009"] },
      { label: "核对修复：恢复为已授权", facts: [] },
      { label: "审核通过", facts: ["操作人 s@example.com"] },
      { label: "constructor", facts: ["操作人 s@example.com"] },
    ]);
    expect(describeTimelineEntry(entries[3]!, en.t, en.duration)).toEqual({
      label: "access_token refreshed",
      facts: ["scheduled", "valid for 2 hours"],
    });
  });

  it("formats durations with the two largest units", () => {
    expect(zh.duration(6720)).toBe("1 小时 52 分钟");
    expect(en.duration(2 * 86_400 + 5)).toBe("2 days");
    expect(en.duration(-90)).toBe("1 minute 30 seconds");
    expect(en.duration(0)).toBe("0 seconds");
  });
});
