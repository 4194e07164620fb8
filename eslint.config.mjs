import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

// Layers with one direction (docs/architecture.md): app → lib → db, and lib/wechat (the protocol core) imports
// nothing of ours. In flat config a later block's `no-restricted-imports` replaces an earlier one for its files, so
// each block repeats the rules of the layers it sits in.
const noApp = {
  group: ["@/app", "@/app/*", "**/app/*"],
  message: "app/ holds routes only: lib/ and db/ never import from it (docs/architecture.md, Layers).",
};
const noLib = {
  group: ["@/lib", "@/lib/*", "**/lib", "**/lib/*"],
  message:
    "db/ holds the schema, the client and plain scoped queries: policy lives in lib/ (docs/architecture.md, Layers).",
};
const noOurs = {
  group: ["@/*", "../*"],
  message:
    "lib/wechat is the protocol core: plain TypeScript over strings and buffers, no imports of ours (docs/architecture.md, Layers).",
};

// `import()` is not an import declaration: no-restricted-imports does not see it, so the same layers are checked on
// dynamic imports too (`\x2F` is a slash: esquery reads `/` as the end of the regular expression).
const dynamicImportOf = (pattern, message) => ({
  selector: `ImportExpression[source.value=/${pattern}/]`,
  message,
});
const noDynamicApp = dynamicImportOf(String.raw`^(@\x2Fapp|(\.\.\x2F)+app)(\x2F|$)`, noApp.message);
const noDynamicLib = dynamicImportOf(String.raw`^(@\x2Flib|(\.\.\x2F)+lib)(\x2F|$)`, noLib.message);
const noDynamicOurs = dynamicImportOf(String.raw`^(@\x2F|\.\.\x2F)`, noOurs.message);

const config = [
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      ".bench/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "tests/artifacts/**",
      "next-env.d.ts",
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noApp] }],
      "no-restricted-syntax": ["error", noDynamicApp],
    },
  },
  {
    files: ["lib/wechat/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noApp, noOurs] }],
      "no-restricted-syntax": ["error", noDynamicApp, noDynamicOurs],
    },
  },
  {
    files: ["db/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noApp, noLib] }],
      "no-restricted-syntax": ["error", noDynamicApp, noDynamicLib],
    },
  },
  prettier,
];

export default config;
