import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/app/(auth)/safe-callback";

// Where sign-in sends the browser: only paths on this site.
describe("safeCallbackUrl", () => {
  it.each(["/accounts", "/accounts/wx0123456789abcdef?authorized=1", "/staff"])(
    "keeps the same-site path %s",
    (path) => {
      expect(safeCallbackUrl(path)).toBe(path);
    },
  );

  it.each(["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "accounts", ""])(
    "replaces %s with the fallback",
    (url) => {
      expect(safeCallbackUrl(url)).toBe("/accounts");
      expect(safeCallbackUrl(url, "/staff")).toBe("/staff");
    },
  );

  // Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so each of these would leave the
  // site; encoded forms are refused too, in case a proxy or a later redirect decodes them.
  it.each([
    "/\t/evil.example",
    "/\t/x",
    "/%09/x",
    "/\\x",
    "/%5Cx",
    "/%5cx",
    "//x",
    "/%2F%2Fx",
    "/%2f/x",
    "/%252F%252Fx",
    "https://x",
    "/%0d%0a/x",
    "/\r\n/x",
    "/\n/evil.example",
    "/ \t/evil.example",
    "/x\u0000",
    "/accounts/%E0%A4%A",
  ])("refuses %j", (url) => {
    expect(safeCallbackUrl(url)).toBe("/accounts");
  });

  it("passes a normal path with a query through unchanged", () => {
    expect(safeCallbackUrl("/accounts/wx0123456789abcdef?a=b")).toBe("/accounts/wx0123456789abcdef?a=b");
    const callback = "/api/wechat/authorize/callback?state=AbC-_123&auth_code=queryauthcode@@@xYz-_9";
    expect(safeCallbackUrl(callback)).toBe(callback);
  });

  it("takes only strings (a File from FormData, a missing field)", () => {
    expect(safeCallbackUrl(null)).toBe("/accounts");
    expect(safeCallbackUrl(undefined)).toBe("/accounts");
    expect(safeCallbackUrl(["/staff"])).toBe("/accounts");
  });
});
