import { timestamp } from "drizzle-orm/pg-core";

/** The `created_at` column every table that records when a row was made shares. */
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** The `updated_at` column every table that records its last change shares (written by the queries). */
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
