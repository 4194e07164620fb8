import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/app/(auth)/safe-callback";

// Where sign-in sends the browser: only paths on this site.
describe("safeCallbackUrl", () => {
  it.each(["/accounts", "/accounts/wx0123456789abcdef?authorized=1", "/staff"])("keeps the same-site path %s", (path) => {
    expect(safeCallbackUrl(path)).toBe(path);
  });

  it.each(["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "accounts", ""])("replaces %s with the fallback", (url) => {
    expect(safeCallbackUrl(url)).toBe("/accounts");
    expect(safeCallbackUrl(url, "/staff")).toBe("/staff");
  });

  it("takes only strings (a File from FormData, a missing field)", () => {
    expect(safeCallbackUrl(null)).toBe("/accounts");
    expect(safeCallbackUrl(undefined)).toBe("/accounts");
    expect(safeCallbackUrl(["/staff"])).toBe("/accounts");
  });
});
