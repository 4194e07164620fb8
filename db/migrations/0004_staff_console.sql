-- Staff console: audit log, invitations, review fields, and the indexes behind /staff/authorizations.
-- The list must stay fast at 100,000 authorizations (aim: p95 <= 100 ms per page through HTTP). Why each index:
--   authorizers_updated_keyset_idx     default sort "latest change first": keyset pagination (updated_at, app_id)
--                                      reads exactly one page from the index, whatever the page number (no OFFSET).
--   authorizers_authorized_keyset_idx  the same for the "authorized at" sort and the date-range filter.
--   authorizers_status_updated_idx,    the common filters (status; review status, e.g. the "pending" queue) combined
--   authorizers_review_updated_idx     with the default sort: equality prefix + keyset, still one page per read.
--   authorizers_func_ids_idx           "has permission set N": func_ids @> '[N]' through a jsonb_path_ops GIN index.
--   authorizers_search_idx             substring search on name / appid / principal / original id: a trigram GIN
--                                      index on the generated, lower-cased search_text (LIKE '%term%'; terms of 3+
--                                      characters use it, shorter ones are rechecked on the candidate rows).
--   authorizers_merchant_idx (0001)    the merchant filter.
--   audit_log_*                        /staff/audit: newest first, by target (an account's timeline), by actor, by
--                                      action; each a keyset on id.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_user_id" uuid,
	"actor_email" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"note" text,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_invitations" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"invited_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "reviewed_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower(app_id || ' ' || coalesce(nick_name, '') || ' ' || coalesce(principal_name, '') || ' ' || coalesce(user_name, '') || ' ' || coalesce(alias, ''))) STORED;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_invitations" ADD CONSTRAINT "staff_invitations_invited_by_user_id_users_id_fk" FOREIGN KEY ("invited_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_user_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "staff_invitations_email_idx" ON "staff_invitations" USING btree ("email");--> statement-breakpoint
ALTER TABLE "authorizers" ADD CONSTRAINT "authorizers_reviewed_by_user_id_users_id_fk" FOREIGN KEY ("reviewed_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "authorizers_updated_keyset_idx" ON "authorizers" USING btree ("updated_at" DESC NULLS LAST,"app_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "authorizers_authorized_keyset_idx" ON "authorizers" USING btree ("authorized_at" DESC NULLS LAST,"app_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "authorizers_status_updated_idx" ON "authorizers" USING btree ("status","updated_at" DESC NULLS LAST,"app_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "authorizers_review_updated_idx" ON "authorizers" USING btree ("review_status","updated_at" DESC NULLS LAST,"app_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "authorizers_func_ids_idx" ON "authorizers" USING gin ("func_ids" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "authorizers_search_idx" ON "authorizers" USING gin ("search_text" gin_trgm_ops);