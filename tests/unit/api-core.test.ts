import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiCore, type CallObservation, type Endpoint } from "@/lib/wechat/api-core";
import { WechatApiError, WechatTransportError } from "@/lib/wechat/errors";

/** A fetch that records every request and answers from a queue. */
function fakeFetch(...replies: Response[]) {
  const requests: { url: URL; method: string; body: string | undefined }[] = [];
  const impl: typeof fetch = async (input, init) => {
    requests.push({
      url: new URL(String(input)),
      method: init?.method ?? "GET",
      body: init?.body as string | undefined,
    });
    const reply = replies.shift();
    if (!reply) throw new Error("fakeFetch: no reply queued");
    return reply;
  };
  return { impl, requests };
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
const TOKEN = "78_SecretTokenValue_abcdefghijklmnopqrstuvwxyz";

const GET_LIST: Endpoint = { name: "gettemplatelist", path: "/wxa/gettemplatelist", method: "GET", repeatable: true };
const QR: Endpoint = { name: "get_qrcode", path: "/wxa/get_qrcode", method: "GET", repeatable: true, binary: true };
const SUBMIT: Endpoint = { name: "submit_audit", path: "/wxa/submit_audit", repeatable: false };

function setup(replies: Response[]) {
  const fake = fakeFetch(...replies);
  const observations: CallObservation[] = [];
  const core = createApiCore({
    baseUrl: "https://api.example.test",
    fetch: fake.impl,
    sleep: async () => {},
    observe: (o) => observations.push(o),
    getComponentToken: async (opts) => (opts?.staleToken ? "78_Fresh" : TOKEN),
  });
  return { core, requests: fake.requests, observations };
}

describe("WeChat API core", () => {
  it("sends GET without a body, with extra query parameters next to the credential", async () => {
    const { core, requests } = setup([json({ errcode: 0, errmsg: "ok", template_list: [] })]);
    const data = await core.requestWithComponentToken(
      GET_LIST,
      { query: { template_type: 0 } },
      z.looseObject({ template_list: z.array(z.unknown()) }),
      "access_token",
    );
    expect(data.template_list).toEqual([]);
    expect(requests[0]!.method).toBe("GET");
    expect(requests[0]!.body).toBeUndefined();
    expect(requests[0]!.url.searchParams.get("access_token")).toBe(TOKEN);
    expect(requests[0]!.url.searchParams.get("template_type")).toBe("0");
    expect(requests[0]!.url.searchParams.has("component_access_token")).toBe(false);
  });

  it("sends `{}` as the body of a POST without one (WeChat answers 44002 to an empty POST)", async () => {
    const { core, requests } = setup([json({ errcode: 0, errmsg: "ok" })]);
    await core.request({ name: "release", path: "/wxa/release", repeatable: false }, {}, z.unknown());
    expect(requests[0]!.body).toBe("{}");
  });

  it("answers a binary endpoint's bytes, and its JSON error as a WechatApiError", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const { core } = setup([
      new Response(jpeg, { headers: { "content-type": "image/jpeg" } }),
      json({ errcode: 61007, errmsg: "api is unauthorized to component rid: 1-2-3" }),
    ]);
    const answer = await core.requestBinary(QR, { credential: { param: "access_token", value: TOKEN } });
    expect(answer.contentType).toBe("image/jpeg");
    expect(answer.bytes.equals(jpeg)).toBe(true);
    const error = await core
      .requestBinary(QR, { credential: { param: "access_token", value: TOKEN } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect((error as WechatApiError).errcode).toBe(61007);
  });

  it("does not repeat a non-repeatable call after -1, and observes each attempt without URL or token", async () => {
    const { core, requests, observations } = setup([json({ errcode: -1, errmsg: "system error" })]);
    const error = await core
      .request(SUBMIT, { body: { item_list: [] }, credential: { param: "access_token", value: TOKEN } }, z.unknown())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(requests).toHaveLength(1);
    expect(observations).toEqual([
      { endpoint: "submit_audit", attempt: 1, outcome: "errcode", errcode: -1, durationMs: expect.any(Number) },
    ]);
    expect(JSON.stringify(observations)).not.toContain(TOKEN);
  });

  it("repeats a repeatable call after -1 and observes both attempts", async () => {
    const { core, observations } = setup([
      json({ errcode: -1, errmsg: "system error" }),
      json({ errcode: 0, template_list: [] }),
    ]);
    await core.requestWithComponentToken(GET_LIST, {}, z.unknown(), "access_token");
    expect(observations.map((o) => [o.attempt, o.outcome, o.errcode])).toEqual([
      [1, "errcode", -1],
      [2, "ok", 0],
    ]);
  });

  it("reports a non-JSON answer of a binary endpoint without an image type as a transport failure", async () => {
    const { core } = setup([new Response("<html>oops</html>", { headers: { "content-type": "text/html" } })]);
    const error = await core.requestBinary(QR, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatTransportError);
    expect((error as WechatTransportError).reason).toBe("bad_json");
  });
});
