import { describe, expect, it } from "vitest";
import {
  PERMISSION_SETS,
  describeAccountStatus,
  describePermission,
  describeServiceType,
  describeVerifyType,
  getPermissionSet,
} from "@/lib/wechat/permissions";

// docs/wechat-protocol.md §5.1
const OA_IDS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 22, 23, 24, 26, 27, 33, 34, 35, 44, 46, 47, 54, 66, 89, 113,
  121, 172,
];

// docs/wechat-protocol.md §5.2
const MP_IDS = [
  17, 18, 19, 20, 21, 25, 30, 31, 36, 37, 40, 41, 45, 48, 49, 51, 52, 57, 65, 67, 70, 71, 73, 76, 81, 84, 85, 86, 88,
  93, 99, 102, 104, 105, 107, 112, 115, 116, 117, 118, 119, 120, 125, 127, 129, 130, 131, 132, 133, 135, 137, 138, 139,
  140, 141, 142, 144, 151, 153, 156, 157, 159, 161, 171, 173, 174, 175, 182, 185,
];

// Listed without a name ("?" or a note only).
const UNNAMED_IDS = [115, 125, 127, 137, 171, 172, 173, 174];

describe("permission sets", () => {
  it("has exactly the ids of docs/wechat-protocol.md §5.1 and §5.2, once each", () => {
    const ids = PERMISSION_SETS.map((set) => set.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual([...OA_IDS, ...MP_IDS].sort((a, b) => a - b));
  });

  it.each(OA_IDS)("describes official account set %i", (id) => {
    expect(getPermissionSet(id)?.accountKinds).toEqual(["official_account"]);
    const d = describePermission(id);
    expect(d.id).toBe(id);
    expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(d.en).toMatch(/[A-Za-z]/);
    expect(d.known).toBe(!UNNAMED_IDS.includes(id));
  });

  it.each(MP_IDS)("describes mini program set %i", (id) => {
    expect(getPermissionSet(id)?.accountKinds).toEqual(["mini_program"]);
    const d = describePermission(id);
    expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(d.en).toMatch(/[A-Za-z]/);
    expect(d.known).toBe(!UNNAMED_IDS.includes(id));
  });

  it("names the sets the release test depends on", () => {
    expect(describePermission(1)).toEqual({ id: 1, zh: "消息管理", en: "Message management", known: true });
    expect(describePermission(19)).toEqual({
      id: 19,
      zh: "小程序客服管理",
      en: "Customer-service messages",
      known: true,
    });
  });

  it("records mutual exclusion and legacy status", () => {
    expect(getPermissionSet(4)?.mutex).toBe(true);
    expect(getPermissionSet(18)?.mutex).toBe(true);
    expect(getPermissionSet(1)?.mutex).toBe(false);
    expect(getPermissionSet(119)?.mutex).toBeNull();
    expect(getPermissionSet(14)).toMatchObject({ legacy: true, mutex: null });
    expect(getPermissionSet(20)?.legacy).toBe(true);
  });

  it("describes an unnamed set from its note without claiming to know it", () => {
    const d = describePermission(172);
    expect(d.known).toBe(false);
    expect(d.en).toContain("push debug tool");
  });

  it("keeps an unknown id instead of dropping it", () => {
    expect(describePermission(9999)).toEqual({
      id: 9999,
      zh: "未知权限集 #9999",
      en: "Unknown permission set #9999",
      known: false,
    });
  });
});

describe("account enumerations", () => {
  it("reads service_type_info by account kind", () => {
    expect(describeServiceType("official_account", 2)).toMatchObject({ zh: "服务号", known: true });
    expect(describeServiceType("official_account", 0)).toMatchObject({ zh: "订阅号", known: true });
    expect(describeServiceType("mini_program", 0)).toMatchObject({ zh: "普通小程序", known: true });
    expect(describeServiceType("mini_program", 4)).toMatchObject({ en: "Mini game", known: true });
    expect(describeServiceType("mini_program", 12)).toMatchObject({ zh: "试用小程序", known: true });
    expect(describeServiceType("official_account", 4)).toEqual({
      id: 4,
      zh: "未知账号类型 #4",
      en: "Unknown account type #4",
      known: false,
    });
  });

  it.each([-1, 0, 1, 2, 3, 4, 5])("describes verify_type_info %i", (id) => {
    expect(describeVerifyType(id)).toMatchObject({ id, known: true });
  });

  it("describes verify types", () => {
    expect(describeVerifyType(-1)).toMatchObject({ zh: "未认证", en: "Not verified" });
    expect(describeVerifyType(0)).toMatchObject({ zh: "微信认证", en: "WeChat verified" });
    expect(describeVerifyType(7)).toMatchObject({ known: false, en: "Unknown verification type #7" });
  });

  it.each([
    [1, "正常"],
    [14, "已注销"],
    [16, "已封禁"],
    [18, "已告警"],
    [19, "已冻结"],
  ])("describes account_status %i", (id, zh) => {
    expect(describeAccountStatus(id)).toMatchObject({ id, zh, known: true });
  });

  it("keeps an unknown account status", () => {
    expect(describeAccountStatus(2)).toMatchObject({ id: 2, known: false, zh: "未知账号状态 #2" });
  });
});
