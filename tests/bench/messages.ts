import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db";
import { authorizers, merchants } from "@/db/schema";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { sealedAt } from "@/lib/secrets";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { generateWebhookSecret } from "@/lib/webhooks/signature";
import { freePort, startAppServer, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, type TestDatabaseConfig } from "../support/database";
import { load, type LoadResult } from "./load";
import { secretBox, ticketPush } from "./portal-driver";

/**
 * The per-account message URL under load, next to the ticket push measured in the same run: how fast WeChat is
 * answered when every message is also queued for a merchant's webhook, once with a webhook answering at once and
 * once with one that never answers (the answer must not notice), then how fast the queue drains to the fast one.
 * Every acknowledged message is checked in the database afterwards: stored once, with its delivery row.
 */

const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
const FAST = { appId: "wxbe0c00000000fa57", userName: "gh_be0c0000fa57" };
const HANGING = { appId: "wxbe0c00000000ba4d", userName: "gh_be0c0000ba4d" };
let sequence = 0;

type Kind = "ticket" | "fast" | "hanging";

function sealed(kind: Kind): { key: string; path: string; body: string } {
  const n = ++sequence;
  if (kind === "ticket") {
    const push = ticketPush(`ticket@@@bench-msg-${n}`);
    return { key: push.key, path: `/api/wechat/component/events?${push.query}`, body: push.body };
  }
  const account = kind === "fast" ? FAST : HANGING;
  const msgId = String(7_000_000_000_000 + n);
  const fields = {
    ToUserName: account.userName,
    FromUserName: "oBenchUser000000000000000001",
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: "text",
    Content: `bench ${n}`,
    MsgId: msgId,
  };
  const push = sealPush(
    crypto,
    fields,
    { ToUserName: account.userName },
    { extraQuery: { openid: fields.FromUserName } },
  );
  return { key: msgId, path: `/api/wechat/authorizers/${account.appId}/events?${push.query}`, body: push.body };
}

async function run(app: AppServer, kind: Kind, seconds: number, connections: number) {
  const acknowledged = new Set<string>();
  const pool = Array.from({ length: 40_000 }, () => sealed(kind));
  let i = 0;
  const result: LoadResult = await load({
    url: app.url,
    connections,
    durationSeconds: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "text/xml" },
        setupRequest(req, context) {
          const push = i < pool.length ? pool[i++]! : sealed(kind);
          context.key = push.key;
          return { ...req, path: push.path, body: push.body };
        },
        onResponse(status, body, context) {
          if (status === 200 && body === "success") acknowledged.add(context.key as string);
        },
      },
    ],
  });
  return { result, acknowledged };
}

export async function benchMessages(opts: { seconds?: number; connections?: number } = {}): Promise<void> {
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 50;
  console.log(`\n## Account messages with forwarding: ${connections} connections, ${seconds} s per scenario`);

  // The merchants' endpoints: one answers 204 at once, one never answers (its requests time out after 5 s).
  let fastDeliveries = 0;
  const held: ServerResponse[] = [];
  const webhookPort = await freePort();
  const webhook = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/hang") return void held.push(res);
      fastDeliveries++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(webhookPort, "127.0.0.1", resolve));

  const config: TestDatabaseConfig = await createTestDatabaseConfig();
  const seed = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, maxConnections: 2 });
  for (const [account, path] of [
    [FAST, "/fast"],
    [HANGING, "/hang"],
  ] as const) {
    const id = randomUUID();
    const [m] = await seed.db
      .insert(merchants)
      .values({
        id,
        name: `bench ${path}`,
        webhookUrl: `http://127.0.0.1:${webhookPort}${path}`,
        webhookSecretSealed: secretBox.seal(generateWebhookSecret(), sealedAt.merchantWebhookSecret(id)),
      })
      .returning({ id: merchants.id });
    await seed.db
      .insert(authorizers)
      .values({ appId: account.appId, merchantId: m!.id, kind: "official_account", userName: account.userName });
  }
  await seed.close();

  const app = await startAppServer({ database: config, env: { LOG_LEVEL: "error", RECONCILE_INTERVAL_MINUTES: "0" } });
  /** MsgIds of the messages WeChat got `success` for, both webhooks. */
  const acknowledged = new Set<string>();
  try {
    await run(app, "ticket", 2, connections); // warm-up: JIT, connection pool
    const rows: { name: string; kind: Kind; r: Awaited<ReturnType<typeof run>> }[] = [];
    for (const [name, kind] of [
      ["ticket push (baseline)", "ticket"],
      ["message → fast webhook", "fast"],
      ["message → webhook never answering", "hanging"],
    ] as const) {
      process.stdout.write(`  ${name}…\n`);
      const r = await run(app, kind, seconds, connections);
      if (kind !== "ticket") for (const msgId of r.acknowledged) acknowledged.add(msgId);
      rows.push({ name, kind, r });
    }
    const base = rows[0]!.r.result;
    const baseRate = (base["2xx"] + base.non2xx) / base.duration;
    console.log("\n| scenario | answers/s | vs ticket push | p50 | p99 | max | non-success |");
    console.log("|---|---|---|---|---|---|---|");
    for (const { name, r } of rows) {
      const rate = (r.result["2xx"] + r.result.non2xx) / r.result.duration;
      console.log(
        `| ${name} | ${rate.toFixed(0)} | ${(rate / baseRate).toFixed(2)}× | ${r.result.latency.p50} ms | ${r.result.latency.p99} ms | ${r.result.latency.max} ms | ${r.result.non2xx + r.result.errors + r.result.timeouts} |`,
      );
    }

    // Drain: how long until every message to the fast endpoint was delivered.
    const fastAcked = rows[1]!.r.acknowledged.size;
    const drainStart = performance.now();
    while (fastDeliveries < fastAcked && performance.now() - drainStart < 120_000)
      await new Promise((r) => setTimeout(r, 200));
    const drainSeconds = (performance.now() - drainStart) / 1000;
    console.log(
      `\nDeliveries to the fast webhook: ${fastDeliveries} of ${fastAcked} acknowledged messages, the last ${drainSeconds.toFixed(1)} s after the load stopped`,
    );
  } finally {
    for (const res of held) res.destroy();
    await app.stop();
    await new Promise((resolve) => webhook.close(resolve));
  }

  // Every acknowledged message stored once, with one delivery row.
  const check = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, maxConnections: 2 });
  try {
    const [counts] = rowsOf<{ messages: number; deliveries: number; delivered: number; duplicates: number }>(
      await check.db.execute(sql`
        select (select count(*)::int from wechat_events where source = 'authorizer') as messages,
               (select count(*)::int from webhook_deliveries) as deliveries,
               (select count(*)::int from webhook_deliveries where status = 'delivered') as delivered,
               (select count(*)::int from (select payload->>'MsgId' from wechat_events where source = 'authorizer' group by 1 having count(*) > 1) d) as duplicates`),
    );
    console.log(
      `Stored messages: ${counts!.messages}, delivery rows: ${counts!.deliveries} (delivered ${counts!.delivered}), duplicated MsgIds: ${counts!.duplicates}`,
    );
    const stored = rowsOf<{ msg_id: string; deliveries: number }>(
      await check.db.execute(sql`
        select e.payload->>'MsgId' as msg_id, count(d.id)::int as deliveries
        from wechat_events e left join webhook_deliveries d on d.event_id = e.id
        where e.source = 'authorizer' group by e.id`),
    );
    const deliveriesOf = new Map(stored.map((row) => [row.msg_id, row.deliveries]));
    const missing = [...acknowledged].filter((msgId) => !deliveriesOf.has(msgId)).length;
    const notOneDelivery = [...acknowledged].filter(
      (msgId) => deliveriesOf.has(msgId) && deliveriesOf.get(msgId) !== 1,
    ).length;
    console.log(
      `Acknowledged messages: ${acknowledged.size}; not stored ${missing}, stored without exactly one delivery row ${notOneDelivery}   ` +
        (missing + notOneDelivery + counts!.duplicates === 0 ? "PASS" : "FAIL"),
    );
  } finally {
    await check.close();
    await config.drop();
  }
}
