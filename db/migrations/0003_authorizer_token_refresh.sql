CREATE TABLE "authorizer_activity" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"kind" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconcile_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"listed" integer,
	"checked" integer DEFAULT 0 NOT NULL,
	"repairs" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "refresh_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "refresh_lease_owner" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "refresh_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "refresh_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "last_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "last_refresh_error" text;--> statement-breakpoint
ALTER TABLE "sandbox_authorizers" ADD COLUMN "list_hides_refresh_token" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_authorizers" ADD COLUMN "token_refreshes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_faults" ADD COLUMN "app_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_faults" DROP CONSTRAINT "sandbox_faults_pkey";--> statement-breakpoint
ALTER TABLE "sandbox_faults" ADD CONSTRAINT "sandbox_faults_endpoint_app_id_pk" PRIMARY KEY("endpoint","app_id");--> statement-breakpoint
ALTER TABLE "sandbox_faults" ADD COLUMN "hang_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sandbox_faults" ADD COLUMN "rotate_refresh_token" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "authorizer_activity_app_idx" ON "authorizer_activity" USING btree ("app_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "reconcile_runs_one_running_idx" ON "reconcile_runs" USING btree ("status") WHERE "reconcile_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "reconcile_runs_started_idx" ON "reconcile_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "authorizers_refresh_due_idx" ON "authorizers" USING btree ("refresh_due_at") WHERE "authorizers"."status" = 'authorized' and "authorizers"."refresh_token_sealed" is not null;--> statement-breakpoint
-- Accounts authorized before the refresher existed: due 15 minutes before their token expires (now if unknown).
UPDATE "authorizers" SET "refresh_due_at" = coalesce("access_token_expires_at" - interval '15 minutes', now())
WHERE "status" = 'authorized' AND "refresh_token_sealed" IS NOT NULL;