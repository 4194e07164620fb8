import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used: migrations are applied by the app at start-up and by `npm run db:migrate`,
// never by drizzle-kit against a live PGlite directory (docs/toolchain.md G7).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
