import {
  createSandboxContext,
  type SandboxContext,
  type SandboxHttpResponse,
  type SandboxOptions,
  type SandboxResponse,
} from "./context";
import * as accounts from "./accounts";
import * as authorizationPage from "./authorization-page";
import * as code from "./code";
import * as componentApi from "./component-api";
import * as controlPlane from "./control-plane";
import * as faults from "./faults";
import * as fastRegister from "./fastregister";
import * as messageApi from "./message-api";
import * as pushes from "./pushes";
import { handleRequest, type SandboxHttpRequest } from "./routes";
import * as setup from "./setup";
import * as setupEvents from "./setup-events";

/**
 * A faithful stand-in for WeChat's component API (docs/wechat-protocol.md §3 and §9): real shapes, HTTP 200 for
 * business errors, success bodies without `errcode`, `rid:` suffixes, token overlap, single-use codes.
 * Its state lives in the database so it survives restarts, like WeChat's would.
 *
 * Structure: one module per WeChat area, each a set of plain functions of a shared context (context.ts: db, clock,
 * crypto, credentials, fetch, WeChat's errors, token checks, serve()). routes.ts is the route table that
 * app/sandbox/[...path]/route.ts serves; this file builds the context and binds the modules into one object.
 * Adding an endpoint: write one handler `(ctx, req) => { json } | { body, contentType }` in its area's module
 * (call `req.faults(appId)` before it changes anything; throw `SandboxApiError(errcode)` for WeChat's errors),
 * and add one line `"POST /wxa/…": module.handler` to ROUTES. Counting, faults and latency follow by name.
 * See docs/sandbox.md.
 */
export function createWechatSandbox(options: SandboxOptions) {
  const ctx = createSandboxContext(options);
  const bind =
    <A extends unknown[], R>(f: (ctx: SandboxContext, ...args: A) => R) =>
    (...args: A): R =>
      f(ctx, ...args);

  return {
    /** GET or POST `path` below the sandbox base (the catch-all route). */
    handleRequest: bind(handleRequest),
    /** POST /cgi-bin/component/<endpoint>. Always HTTP 200, like WeChat. */
    handleApi: async (endpoint: string, query: URLSearchParams, bodyText: string) =>
      jsonOnly(await handleRequest(ctx, { method: "POST", path: `/cgi-bin/component/${endpoint}`, query, bodyText })),
    /** POST /cgi-bin/message/custom/send (docs/wechat-protocol.md §3.11). */
    handleCustomSend: async (query: URLSearchParams, bodyText: string) =>
      jsonOnly(await handleRequest(ctx, { method: "POST", path: "/cgi-bin/message/custom/send", query, bodyText })),
    customMessagesTo: bind(messageApi.customMessagesTo),
    authCodeExchanges: bind(componentApi.authCodeExchanges),
    pushMessage: bind(pushes.pushMessage),
    push: bind(pushes.push),
    pushTicket: bind(pushes.pushTicket),
    authorize: bind(accounts.authorize),
    revoke: bind(accounts.revoke),
    rotateRefreshToken: bind(accounts.rotateRefreshToken),
    seedAccounts: bind(accounts.seedAccounts),
    accountLedger: bind(accounts.accountLedger),
    inspectPreAuthCode: bind(authorizationPage.inspectPreAuthCode),
    consumePreAuthCode: bind(authorizationPage.consumePreAuthCode),
    listAccounts: bind(accounts.listAccounts),
    getState: bind(controlPlane.getState),
    resetCalls: bind(controlPlane.resetCalls),
    clearAccounts: bind(controlPlane.clearAccounts),
    setFault: bind(faults.setFault),
    clearFaults: bind(faults.clearFaults),
    /** Mini program setup on WeChat's side (lib/sandbox/setup.ts): state changes, release, events. */
    setSetupState: bind(setup.setSetupState),
    getSetupState: bind(setup.getSetupState),
    getComponentSetup: bind(setup.getComponentSetup),
    releaseSetup: bind(setup.releaseSetup),
    pushSetupEvent: bind(setupEvents.pushSetupEvent),
    inspectFastRegistration: bind(fastRegister.inspectFastRegistration),
    decideFastRegistration: bind(fastRegister.decideFastRegistration),
    expireFastRegistrations: bind(fastRegister.expireFastRegistrations),
    ageFastRegistration: bind(fastRegister.ageFastRegistration),
    issueFastRegisterTicket: bind(fastRegister.issueFastRegisterTicket),
    crypto: ctx.crypto,
    /** Code management's reviewer, clock, settings and ledger (lib/sandbox/code.ts). */
    code: {
      settings: bind(code.getCodeSettings),
      setSettings: bind(code.setCodeSettings),
      advanceClock: bind(code.advanceCodeClock),
      resolveAudit: bind(code.resolveAudit),
      resolveDueAudits: bind(code.resolveDueAudits),
      audits: bind(code.listAudits),
      account: bind(code.codeAccount),
      addDraft: bind(code.addDraft),
    },
  };
}

function jsonOnly(response: SandboxHttpResponse): SandboxResponse {
  if (!("json" in response)) throw new Error("a sandbox JSON endpoint answered with bytes");
  return response;
}

export type WechatSandbox = ReturnType<typeof createWechatSandbox>;
export type { SandboxAccount } from "./accounts";
export type { SandboxComponent, SandboxHttpResponse, SandboxOptions, SandboxResponse } from "./context";
export {
  CUSTOM_SEND,
  FAULTABLE_ENDPOINTS,
  SANDBOX_ENDPOINTS,
  type FaultableEndpoint,
  type SandboxEndpoint,
} from "./routes";
export type { SandboxHttpRequest };
