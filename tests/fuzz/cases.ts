import fc from "fast-check";

/**
 * What the fuzzer throws at the portal, as plain data: a case is generated from the seed alone, and turned into
 * bytes (signed with the current clock) only when it is sent (see requests.ts). Same seed, same cases.
 */
export type Target = "component" | "authorizer" | "callback";
export const TARGETS: readonly Target[] = ["component", "authorizer", "callback"];

export interface CaseSpec {
  target: Target;
  family: string;
  variant: string;
  /** Free parameters each family reads as it needs (sizes, offsets, counts, picks). */
  a: number;
  b: number;
  flag: boolean;
  contentType: string | null;
  text: string;
  bytes: Uint8Array;
}

// Real pushes say text/xml; the protocol says not to depend on it (docs/wechat-protocol.md §1.1), so every other type must change nothing.
const contentTypeArb = fc.constantFrom(
  "text/xml",
  "text/xml; charset=utf-8",
  "application/xml",
  "text/plain",
  "application/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----fuzz",
  "application/octet-stream",
  "",
  "garbage;;;=",
  null,
);

function family(
  target: Target,
  name: string,
  variants: readonly [string, ...string[]],
  overrides: Partial<Record<"a" | "b" | "text" | "bytes", fc.Arbitrary<unknown>>> = {},
) {
  return fc.record({
    target: fc.constant(target),
    family: fc.constant(name),
    variant: fc.constantFrom(...variants),
    a: (overrides.a as fc.Arbitrary<number>) ?? fc.nat(),
    b: (overrides.b as fc.Arbitrary<number>) ?? fc.nat(),
    flag: fc.boolean(),
    contentType: contentTypeArb,
    text: (overrides.text as fc.Arbitrary<string>) ?? fc.string({ maxLength: 64 }),
    bytes: (overrides.bytes as fc.Arbitrary<Uint8Array>) ?? fc.uint8Array({ maxLength: 64 }),
  }) as fc.Arbitrary<CaseSpec>;
}

/** Malformed HTTP (request line, path, headers), the `raw` family of every route. */
const RAW_VARIANTS = [
  "bad_request_line",
  "space_in_path",
  "control_chars",
  "bad_header",
  "lf_only",
  "huge_header",
] as const;

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 512 }),
  fc.string({ unit: "grapheme", maxLength: 256 }),
  fc.string({ maxLength: 256 }),
);

/** Families shared by both push routes (component events, authorizer messages). */
function pushCases(target: "component" | "authorizer"): fc.Arbitrary<CaseSpec> {
  const f = (name: string, variants: readonly [string, ...string[]], overrides = {}) =>
    family(target, name, variants, overrides);
  const entries: { weight: number; arbitrary: fc.Arbitrary<CaseSpec> }[] = [
    {
      weight: 14,
      arbitrary: f("valid", [
        "plain",
        "whitespace",
        "to_limit",
        "skewed",
        "unicode_nonce",
        "long_query",
        "extra_fields",
      ]),
    },
    { weight: 4, arbitrary: f("replay", ["sequential", "concurrent"], { a: fc.integer({ min: 2, max: 4 }) }) },
    {
      weight: 5,
      arbitrary: f("timestamp", ["past", "future", "malformed"], { a: fc.integer({ min: 700, max: 2_000_000_000 }) }),
    },
    {
      weight: 7,
      arbitrary: f("signature", [
        "random_hex",
        "other_encrypt",
        "missing",
        "short",
        "non_hex",
        "wrong_token",
        "url_signature_only",
        "empty",
        "flipped_bit",
      ]),
    },
    {
      weight: 14,
      arbitrary: f(
        "encrypt",
        [
          "not_base64",
          "bad_b64_padding",
          "wrong_block",
          "bad_pkcs7",
          "pad_zero",
          "pad_too_big",
          "length_past_end",
          "length_short",
          "wrong_appid",
          "wrong_key",
          "empty",
          "non_xml_inner",
          "doctype_inner",
          "deep_inner",
          "invalid_utf8_inner",
          "missing_fields",
          "other_platform",
          "random_bytes_signed",
        ],
        { bytes: fc.uint8Array({ maxLength: 300 }) },
      ),
    },
    {
      weight: 12,
      arbitrary: f(
        "xml",
        [
          "doctype",
          "billion_laughs",
          "external_entity",
          "parameter_entity",
          "bare_entity_ref",
          "deep_nesting",
          "deep_unclosed",
          "attributes",
          "duplicate_attributes",
          "unclosed",
          "two_roots",
          "no_encrypt",
          "encrypt_element",
          "repeated_encrypt",
          "unterminated_cdata",
          "pi_only",
          "other_root",
          "comment_flood",
        ],
        { a: fc.integer({ min: 1, max: 100_000 }) },
      ),
    },
    {
      weight: 8,
      arbitrary: f("bytes", ["random", "text", "invalid_utf8", "nul", "empty"], {
        bytes: fc.uint8Array({ maxLength: 4096 }),
        text: anyText,
      }),
    },
    { weight: 5, arbitrary: f("truncated", ["cut", "short_content_length"]) },
    {
      weight: 4,
      arbitrary: f("oversized", ["just_over", "over_limit", "multi_mb", "chunked_multi_mb"], {
        a: fc.integer({ min: 1, max: 8 * 1024 * 1024 }),
      }),
    },
    {
      weight: 5,
      arbitrary: f(
        "query",
        [
          "over_header_limit",
          "invalid_utf8_raw",
          "invalid_percent",
          "duplicate_params",
          "long_nonce",
          "no_query",
          "junk_values",
        ],
        {
          a: fc.integer({ min: 17 * 1024, max: 2 * 1024 * 1024 }),
          text: anyText,
        },
      ),
    },
    { weight: 3, arbitrary: f("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) },
    {
      weight: 2,
      arbitrary: f("raw", RAW_VARIANTS),
    },
  ];
  if (target === "authorizer") {
    // The account in the path: an appid we never heard of, or one that is not an appid at all.
    entries.push({
      weight: 3,
      arbitrary: f("path", ["unknown_appid", "junk_appid", "long_appid", "dot_segments", "encoded_slash", "unicode"], {
        text: anyText,
      }),
    });
  }
  return fc.oneof(...entries);
}

/** The browser's way back from WeChat's authorization page, anonymous and signed in. */
function callbackCases(): fc.Arbitrary<CaseSpec> {
  const f = (name: string, variants: readonly [string, ...string[]], overrides = {}) =>
    family("callback", name, variants, overrides);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: f("anonymous", ["random_query", "shaped", "no_state", "short_state", "long_state", "huge_auth_code"], {
        text: anyText,
      }),
    },
    {
      weight: 10,
      arbitrary: f(
        "signed_in",
        ["random_state", "shaped", "no_state", "short_state", "long_state", "huge_auth_code", "no_auth_code"],
        { text: anyText },
      ),
    },
    { weight: 6, arbitrary: f("seeded_state", ["expired", "used", "foreign"]) },
    {
      weight: 3,
      arbitrary: f("query", ["long", "over_header_limit", "invalid_utf8_raw", "invalid_percent", "duplicate_params"], {
        a: fc.integer({ min: 17 * 1024, max: 2 * 1024 * 1024 }),
        text: anyText,
      }),
    },
    { weight: 2, arbitrary: f("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) },
    {
      weight: 1,
      arbitrary: f("raw", RAW_VARIANTS),
    },
  );
}

export const caseArbitrary: fc.Arbitrary<CaseSpec> = fc.oneof(
  { weight: 4, arbitrary: pushCases("component") },
  { weight: 4, arbitrary: pushCases("authorizer") },
  { weight: 2, arbitrary: callbackCases() },
);

/** The `count` cases of a seed, in order: case `i` of a seed is always the same case. */
export function generateCases(seed: number, count: number): CaseSpec[] {
  return fc.sample(caseArbitrary, { seed, numRuns: count });
}
