import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { merchants } from "@/db/schema";
import { PERMISSION_SETS } from "@/lib/wechat/permissions";

/**
 * Demo and benchmark data for the staff console: merchants, and authorizations spread over them with realistic
 * Chinese names, both kinds, every status and review status in plausible proportions, permission sets from the
 * known ids, authorized over the past year, and a few WeChat events for some accounts. Tokens stay null (no
 * refresh token: the refresher never picks these up). Appids are random, so running it twice adds more rows.
 */

export interface SeedOptions {
  authorizations: number;
  /** Default: one merchant per 20 authorizations. */
  merchants?: number;
  /** Share of authorizations that get WeChat events (1–3 each). Default 0.3. */
  eventShare?: number;
  /** Share of authorizations no merchant here owns (imported by reconcile). Default 0.02. */
  unassignedShare?: number;
  /** Rows per INSERT. */
  batchSize?: number;
  /** INSERTs in flight at once (PostgreSQL only gains from more than 1). */
  concurrency?: number;
  now?: Date;
  random?: () => number;
}

export interface SeedResult {
  merchants: number;
  authorizations: number;
  events: number;
  seconds: number;
}

const CITIES = [
  "上海",
  "北京",
  "广州",
  "深圳",
  "杭州",
  "成都",
  "南京",
  "武汉",
  "西安",
  "苏州",
  "重庆",
  "长沙",
  "厦门",
  "青岛",
  "天津",
  "宁波",
];
const CORES = [
  "星辰",
  "云杉",
  "青禾",
  "明远",
  "嘉禾",
  "悦来",
  "同心",
  "百川",
  "锦程",
  "知行",
  "鼎新",
  "华彩",
  "朗月",
  "清泉",
  "瑞丰",
  "博雅",
  "启航",
  "恒信",
  "安澜",
  "春晓",
  "一品",
  "木子",
  "山海",
  "拾光",
  "暖阳",
  "禾丰",
  "汇通",
  "金桥",
  "长青",
  "新禾",
  "若水",
  "澄明",
];
const INDUSTRIES = [
  "餐饮管理",
  "信息科技",
  "文化传媒",
  "商贸",
  "教育咨询",
  "健康管理",
  "电子商务",
  "网络科技",
  "物业服务",
  "旅游发展",
];
const BUSINESSES = [
  "咖啡",
  "书店",
  "烘焙",
  "花艺",
  "茶饮",
  "健身",
  "宠物",
  "美妆",
  "家居",
  "生鲜",
  "书院",
  "影院",
  "民宿",
  "眼镜",
  "琴行",
];
const OA_SUFFIXES = ["", "", "服务号", "官方", "生活馆", "会员中心"];
const MP_SUFFIXES = ["小程序", "商城", "点单", "预约", "会员", "优选"];

const OA_SETS = PERMISSION_SETS.filter(
  (s) => s.accountKinds.includes("official_account") && !s.legacy && !s.unnamed,
).map((s) => s.id);
const MP_SETS = PERMISSION_SETS.filter((s) => s.accountKinds.includes("mini_program") && !s.legacy && !s.unnamed).map(
  (s) => s.id,
);
// Most platforms ask for the everyday sets; the rest are picked now and then.
const OA_COMMON = [1, 2, 3, 7, 11, 15];
const MP_COMMON = [17, 18, 19, 30, 31];

const DAY_MS = 86_400_000;

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Picks by weight: [[value, weight], …]. */
function weighted<T>(choices: readonly (readonly [T, number])[], random: () => number): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of choices) {
    r -= w;
    if (r < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/**
 * One INSERT per batch with the rows as a single JSON parameter: much cheaper to build and send than thousands
 * of bind parameters. Only the keys of the first row are written (every row of a batch has the same keys).
 */
async function insertJson(
  db: Db,
  table: "authorizers" | "wechat_events",
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.raw(Object.keys(rows[0]!).join(", "));
  await db.execute(
    sql`insert into ${sql.raw(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.raw(table)}, ${JSON.stringify(rows)}::json) on conflict do nothing`,
  );
}

async function inBatches<T>(
  items: T[],
  size: number,
  concurrency: number,
  insert: (batch: T[]) => Promise<void>,
): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      await insert(batch);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

export async function seedStaffDemoData(db: Db, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const random = options.random ?? Math.random;
  const now = (options.now ?? new Date()).getTime();
  const merchantCount = Math.max(1, options.merchants ?? Math.ceil(options.authorizations / 20));
  const batchSize = options.batchSize ?? 5_000;
  const concurrency = options.concurrency ?? 4;
  const eventShare = options.eventShare ?? 0.3;
  const unassignedShare = options.unassignedShare ?? 0.02;

  // Merchants: a company name each (ids come back for spreading the accounts over them).
  const merchantRows = Array.from({ length: merchantCount }, () => {
    const core = pick(CORES, random);
    return {
      name: `${pick(CITIES, random)}${core}${pick(INDUSTRIES, random)}有限公司`,
      createdAt: new Date(now - (370 + random() * 400) * DAY_MS),
    };
  });
  const merchantIds: { id: string; name: string; core: string }[] = [];
  await inBatches(merchantRows, 5_000, concurrency, async (batch) => {
    const inserted = await db.insert(merchants).values(batch).returning({ id: merchants.id, name: merchants.name });
    // Every city and core name is two characters: the brand core is the name's third and fourth.
    for (const row of inserted) merchantIds.push({ ...row, core: row.name.slice(2, 4) });
  });

  const accounts: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < options.authorizations; i++) {
    const merchant = random() < unassignedShare ? null : pick(merchantIds, random);
    const kind = random() < 0.6 ? ("official_account" as const) : ("mini_program" as const);
    const core = merchant && random() < 0.7 ? merchant.core : pick(CORES, random);
    const business = pick(BUSINESSES, random);
    const nickName = `${core}${business}${pick(kind === "official_account" ? OA_SUFFIXES : MP_SUFFIXES, random)}`;
    const principalName =
      merchant && random() < 0.8 ? merchant.name : `${pick(CITIES, random)}${core}${pick(INDUSTRIES, random)}有限公司`;
    const status = weighted(
      [
        ["authorized", 80],
        ["unauthorized", 15],
        ["needs_reauthorization", 5],
      ] as const,
      random,
    );
    const reviewStatus = weighted(
      [
        ["approved", 60],
        ["pending", 25],
        ["needs_info", 6],
        ["rejected", 5],
        ["conflict", 4],
      ] as const,
      random,
    );
    const common = kind === "official_account" ? OA_COMMON : MP_COMMON;
    const all = kind === "official_account" ? OA_SETS : MP_SETS;
    const funcIds = [...new Set([...common.filter(() => random() < 0.75), ...all.filter(() => random() < 0.08)])].sort(
      (a, b) => a - b,
    );
    // Skewed towards recent months, as a growing platform's would be.
    const authorizedAt = new Date(now - Math.pow(random(), 1.5) * 365 * DAY_MS);
    const updatedAt = new Date(authorizedAt.getTime() + random() * (now - authorizedAt.getTime()));
    const appId = `wx${hex(8)}`;
    const other = merchantIds.length > 1 ? pick(merchantIds, random) : null;
    // Column names as in the table: the rows go in as one JSON document per batch (json_populate_recordset).
    accounts.push({
      app_id: appId,
      merchant_id: merchant?.id ?? null,
      contested_by_merchant_id: reviewStatus === "conflict" && other && other.id !== merchant?.id ? other.id : null,
      kind,
      nick_name: nickName,
      head_img: null,
      user_name: `gh_${hex(6)}`,
      principal_name: principalName,
      alias:
        kind === "official_account" && random() < 0.5 ? `${business === "咖啡" ? "coffee" : "shop"}${hex(3)}` : null,
      service_type_id:
        kind === "official_account"
          ? weighted(
              [
                [2, 70],
                [0, 30],
              ] as const,
              random,
            )
          : 0,
      verify_type_id: weighted(
        [
          [0, 80],
          [-1, 20],
        ] as const,
        random,
      ),
      func_ids: funcIds,
      status,
      review_status: reviewStatus,
      review_note:
        reviewStatus === "needs_info" ? "请补充营业执照照片" : reviewStatus === "rejected" ? "主体与商户不一致" : null,
      reviewed_at: reviewStatus === "pending" ? null : updatedAt,
      state_version: Math.floor(authorizedAt.getTime() / 1000),
      authorized_at: authorizedAt,
      revoked_at: status === "unauthorized" ? updatedAt : null,
      profile_updated_at: authorizedAt,
      created_at: authorizedAt,
      updated_at: updatedAt,
    });
    if (random() < eventShare) {
      const types = [
        "authorized",
        ...(random() < 0.3 ? ["updateauthorized"] : []),
        ...(status === "unauthorized" ? ["unauthorized"] : []),
      ];
      types.forEach((infoType, n) => {
        const at =
          n === 0
            ? authorizedAt
            : new Date(authorizedAt.getTime() + ((updatedAt.getTime() - authorizedAt.getTime()) * n) / types.length);
        events.push({
          source: "component",
          info_type: infoType,
          authorizer_app_id: appId,
          dedupe_key: `seed:${appId}:${infoType}:${hex(4)}`,
          create_time: Math.floor(at.getTime() / 1000),
          payload: { InfoType: infoType, AuthorizerAppid: appId, seeded: true },
          received_at: at,
          // Already processed: the event worker must not act on seeded history.
          processed_at: at,
          attempts: 1,
        });
      });
    }
  }

  await inBatches(accounts, batchSize, concurrency, (batch) => insertJson(db, "authorizers", batch));
  await inBatches(events, batchSize, concurrency, (batch) => insertJson(db, "wechat_events", batch));

  return {
    merchants: merchantIds.length,
    authorizations: accounts.length,
    events: events.length,
    seconds: (performance.now() - started) / 1000,
  };
}
