// The database schema, one file per area (drizzle-kit reads this index). Types come from `$inferSelect`.
export * from "./core";
export * from "./jobs";
export * from "./releases";
export * from "./setup";
export * from "./registration";
export * from "./observability";
