import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { CATALOGS } from "@/lib/i18n/catalogs";

/** Every leaf key of a catalog, dotted ("accounts.empty.title"). */
function leaves(catalog: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

interface AstNode {
  type: number;
  value?: unknown;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

/** The ICU arguments a message uses ({name}, {n, plural, …}, nested ones too); throws on malformed ICU. */
function argumentsOf(text: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: AstNode[]) => {
    for (const node of nodes) {
      // 0 literal, 7 pound (#): no argument; 8 tag: its children.
      if (node.type !== 0 && node.type !== 7 && node.type !== 8 && typeof node.value === "string")
        names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
      if (node.children) walk(node.children);
    }
  };
  walk(new IntlMessageFormat(text, locale).getAst() as unknown as AstNode[]);
  return [...names].sort();
}

describe("message catalogs", () => {
  const zh = CATALOGS["zh-CN"];
  const en = CATALOGS.en;

  it("assemble every area file of both languages", () => {
    const files = (locale: string) =>
      readdirSync(`messages/${locale}`)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
    expect(files("zh-CN")).toEqual(Object.keys(zh).sort());
    expect(files("en")).toEqual(Object.keys(en).sort());
  });

  const zhKeys = leaves(zh);
  const enKeys = leaves(en);

  it("have exactly the same keys in Chinese and English", () => {
    expect([...zhKeys.keys()].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys.keys()].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it("use the same placeholders in both languages", () => {
    const mismatched = [...zhKeys].filter(
      ([key, text]) => argumentsOf(text, "zh-CN").join() !== argumentsOf(enKeys.get(key) ?? "", "en").join(),
    );
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it("have no empty message", () => {
    expect([...zhKeys, ...enKeys].filter(([, text]) => text.trim() === "").map(([key]) => key)).toEqual([]);
  });
});
