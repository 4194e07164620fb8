import { expect } from "vitest";

/** Expects `fn` to throw an `ErrorClass` carrying `code`, and returns that error for further checks. */
export function expectErrorCode<E extends Error & { code: string }>(
  fn: () => unknown,
  ErrorClass: new (...args: never[]) => E,
  code: E["code"],
): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as E).code).toBe(code);
    return error as E;
  }
  throw new Error(`expected ${ErrorClass.name}(${code})`);
}

/** A push route's refusal: `status`, a short reason and never `success`; returns the reason for further checks. */
export async function expectRefusedPush(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  const text = await response.text();
  expect(text).not.toBe("success");
  expect(text.length).toBeLessThan(120);
  return text;
}
