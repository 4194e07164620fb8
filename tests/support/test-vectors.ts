import { readFileSync } from "node:fs";

/** The shared WeChat test vectors (tests/fixtures/wechat-test-vectors.json), typed as far as the reader needs. */
export function readTestVectors<T>(): T {
  return JSON.parse(readFileSync(new URL("../fixtures/wechat-test-vectors.json", import.meta.url), "utf8")) as T;
}

/** The vector whose id starts with `prefix` (`V1_`); throws when the file has none. */
export function findVector<V extends { id: string }>(vectors: readonly V[], prefix: string): V {
  const found = vectors.find((v) => v.id.startsWith(prefix));
  if (!found) throw new Error(`missing vector ${prefix}`);
  return found;
}
