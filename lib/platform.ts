import { getDatabase, type Database } from "@/db";
import { getEnv, type Env } from "@/lib/env";
import { createAuthorizerMessageReceiver } from "@/lib/events/receive-authorizer-message";
import { createComponentPushReceiver } from "@/lib/events/receive-component-push";
import { createBatchEngine, type BatchEngine } from "@/lib/jobs/batches";
import { BATCH_KINDS } from "@/lib/jobs/kinds";
import { setLogLevel } from "@/lib/log";
import { observeWechatCall } from "@/lib/metrics/observe";
import { setMetricsEnabled } from "@/lib/metrics/registry";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createWechatSandbox, type WechatSandbox } from "@/lib/sandbox/wechat-sandbox";
import { createSecretBox, type SecretBox } from "@/lib/secrets";
import { createAuthorizerRefresher, type AuthorizerRefresher } from "@/lib/tokens/authorizer-refresher";
import { createAuthorizerTokenService, type AuthorizerTokenService } from "@/lib/tokens/authorizer-tokens";
import { createComponentTokenService, type ComponentTokenService } from "@/lib/tokens/component-token";
import { createComponentClient, type ComponentClient } from "@/lib/wechat/client";
import { createMessageCrypto, type MessageCrypto } from "@/lib/wechat/crypto";
import { createWebhookDeliverer, type WebhookDeliverer } from "@/lib/webhooks/deliverer";

/**
 * The composition root: builds each service once per process from the environment and the shared database.
 * Route handlers, server actions and background jobs all take their collaborators from here.
 */
export interface Platform {
  env: Env;
  database: Database;
  secretBox: SecretBox;
  crypto: MessageCrypto;
  client: ComponentClient;
  componentToken: ComponentTokenService;
  /** authorizer_access_token of every account: on demand (`getToken`, `withToken`) and ahead of expiry. */
  authorizerTokens: AuthorizerTokenService;
  refresher: AuthorizerRefresher;
  componentPushes: ReturnType<typeof createComponentPushReceiver>;
  /** Each account's message-and-event URL (`/api/wechat/authorizers/[appid]/events`). */
  authorizerMessages: ReturnType<typeof createAuthorizerMessageReceiver>;
  /** Forwards stored account messages to merchants' webhooks. */
  webhooks: WebhookDeliverer;
  /** Durable batches of WeChat work on many accounts (release, setup): every instance runs the worker. */
  batches: BatchEngine;
  /** Present only when the sandbox is on. */
  sandbox: WechatSandbox | undefined;
}

const globalForPlatform = globalThis as unknown as { __portalPlatform?: Promise<Platform> };

export function getPlatform(): Promise<Platform> {
  if (!globalForPlatform.__portalPlatform) {
    const pending = buildPlatform();
    globalForPlatform.__portalPlatform = pending;
    pending.catch(() => {
      if (globalForPlatform.__portalPlatform === pending) globalForPlatform.__portalPlatform = undefined;
    });
  }
  return globalForPlatform.__portalPlatform;
}

async function buildPlatform(): Promise<Platform> {
  const env = getEnv();
  setLogLevel(env.logLevel);
  return createPlatform(env, await getDatabase());
}

/** Wires the services for one environment and database (the app's, or a test's). */
export function createPlatform(env: Env, database: Database): Platform {
  if (env.sandbox) assertSandboxCredentials(env.component);
  setMetricsEnabled(env.metricsToken !== undefined);
  const secretBox = createSecretBox([env.secretsKey, ...env.previousSecretsKeys]);
  const crypto = createMessageCrypto({
    token: env.component.token,
    encodingAesKey: env.component.encodingAesKey,
    appId: env.component.appId,
    previousEncodingAesKeys: env.component.previousEncodingAesKeys,
  });

  const client = createComponentClient({
    baseUrl: env.apiBase,
    componentAppId: env.component.appId,
    componentAppSecret: env.component.appSecret,
    timeoutMs: env.wechatApiTimeoutMs,
    observe: observeWechatCall,
    // Called only after start-up: componentToken is assigned just below.
    getComponentToken: (opts) => componentToken.getToken(opts),
  });
  const componentToken: ComponentTokenService = createComponentTokenService({
    database,
    upstream: client,
    secretBox,
    componentAppId: env.component.appId,
  });

  const authorizerTokens = createAuthorizerTokenService({ database, client, secretBox });

  const platform: Platform = {
    env,
    database,
    secretBox,
    crypto,
    client,
    componentToken,
    authorizerTokens,
    refresher: createAuthorizerRefresher({ tokens: authorizerTokens, concurrency: env.authorizerRefreshConcurrency }),
    componentPushes: createComponentPushReceiver({
      db: database.db,
      crypto,
      componentAppId: env.component.appId,
      timestampToleranceSeconds: env.timestampToleranceSeconds,
    }),
    authorizerMessages: createAuthorizerMessageReceiver({
      db: database.db,
      crypto,
      timestampToleranceSeconds: env.timestampToleranceSeconds,
    }),
    webhooks: createWebhookDeliverer({ db: database.db, secretBox, ...env.webhooks }),
    batches: createBatchEngine<Platform>({
      db: database.db,
      kinds: BATCH_KINDS,
      deps: () => platform,
      concurrency: env.batchConcurrency,
    }),
    sandbox: env.sandbox
      ? createWechatSandbox({ db: database.db, component: env.component, portalUrl: env.appUrl })
      : undefined,
  };
  return platform;
}

/**
 * Security: the sandbox signs pushes (an `unauthorized` that wipes an account's tokens among them) with the
 * component's Token and AES key, and answers api_component_token for its AppSecret. It is only ever built with
 * its own made-up credentials, so it can never sign with real keys, whatever env object a caller passes.
 */
export function assertSandboxCredentials(component: Env["component"]): void {
  const own =
    component.appId === SANDBOX_COMPONENT.appId &&
    component.appSecret === SANDBOX_COMPONENT.appSecret &&
    component.token === SANDBOX_COMPONENT.token &&
    component.encodingAesKey === SANDBOX_COMPONENT.encodingAesKey &&
    component.previousEncodingAesKeys.length === 0;
  if (!own) throw new Error("the WeChat sandbox runs only with its own credentials, never with a real component's");
}

/**
 * A fresh authorizer_access_token for an account (at least 5 minutes left), renewed in place when needed.
 * Throws AppError: not_found, conflict (revoked / needs re-authorization), unavailable or upstream.
 */
export async function getAuthorizerToken(appId: string) {
  return (await getPlatform()).authorizerTokens.getToken(appId);
}
