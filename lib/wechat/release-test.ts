/**
 * WeChat's automated release test (全网发布, docs/wechat-protocol.md §7): the test accounts it may use and what it sends them.
 * The portal answers these accounts' messages the way the checker expects; the sandbox plays the checker.
 */

export interface ReleaseTestGroup {
  group: number;
  officialAccount: { appId: string; userName: string };
  miniProgram: { appId: string; userName: string };
}

/** One test group: its official account's and its mini program's appid and user name. */
function testGroup(group: number, oaAppId: string, oaUserName: string, mpAppId: string, mpUserName: string) {
  return {
    group,
    officialAccount: { appId: oaAppId, userName: oaUserName },
    miniProgram: { appId: mpAppId, userName: mpUserName },
  };
}

/** WeChat assigns one group at random; all five must work ("暂没有测试资源" otherwise). */
export const RELEASE_TEST_GROUPS: readonly ReleaseTestGroup[] = [
  testGroup(1, "wx570bc396a51b8ff8", "gh_3c884a361561", "wxd101a85aa106f53e", "gh_8dad206e9538"),
  testGroup(2, "wx9252c5e0bb1836fc", "gh_c0f28a78b318", "wxc39235c15087f6f3", "gh_905ae9d01059"),
  testGroup(3, "wx8e1097c5bc82cde9", "gh_3f222ed8d140", "wx7720d01d4b2a4500", "gh_393666f1fdf4"),
  testGroup(4, "wx14550af28c71a144", "gh_26128078e9ab", "wx05d483572dcd5d8b", "gh_39abb5d4e1b7"),
  testGroup(5, "wxa35b9c23cfe664eb", "gh_2b3713f184a6", "wx5910277cae6fd970", "gh_7818dcb60240"),
];

const TEST_APP_IDS = new Set(RELEASE_TEST_GROUPS.flatMap((g) => [g.officialAccount.appId, g.miniProgram.appId]));

export function isReleaseTestAccount(appId: string): boolean {
  return TEST_APP_IDS.has(appId);
}

/** 普通文本消息: reply with this text plus `_callback`. */
export const RELEASE_TEST_TEXT = "TESTCOMPONENT_MSG_TYPE_TEXT";
/** API 文本消息: `QUERY_AUTH_CODE:<query_auth_code>`; answer empty, then send `<query_auth_code>_from_api` by API. */
export const RELEASE_TEST_QUERY_AUTH_CODE_PREFIX = "QUERY_AUTH_CODE:";

export type ReleaseTestCase =
  { kind: "text"; reply: string } | { kind: "api_text"; queryAuthCode: string } | { kind: "event"; reply: string };

/** Which release-test case a test account's message is, if any. */
export function releaseTestCase(message: {
  MsgType: string;
  Content?: string;
  Event?: string;
}): ReleaseTestCase | undefined {
  if (message.MsgType === "text" && message.Content === RELEASE_TEST_TEXT) {
    return { kind: "text", reply: `${RELEASE_TEST_TEXT}_callback` };
  }
  if (message.MsgType === "text" && message.Content?.startsWith(RELEASE_TEST_QUERY_AUTH_CODE_PREFIX)) {
    const queryAuthCode = message.Content.slice(RELEASE_TEST_QUERY_AUTH_CODE_PREFIX.length).trim();
    return queryAuthCode ? { kind: "api_text", queryAuthCode } : undefined;
  }
  if (message.MsgType === "event" && message.Event) return { kind: "event", reply: `${message.Event}from_callback` };
  return undefined;
}
