CREATE TABLE "release_accounts" (
	"app_id" text PRIMARY KEY NOT NULL,
	"online_version" text,
	"online_desc" text,
	"online_at" timestamp with time zone,
	"exp_version" text,
	"exp_template_id" integer,
	"exp_at" timestamp with time zone,
	"audit_id" bigint,
	"audit_status" integer,
	"audit_version" text,
	"audit_reason" text,
	"audit_screenshots" text,
	"audit_submitted_at" timestamp with time zone,
	"audit_updated_at" timestamp with time zone,
	"gray_percentage" integer,
	"submit_intent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_audits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"audit_id" bigint NOT NULL,
	"batch_id" bigint,
	"user_version" text,
	"status" integer NOT NULL,
	"reason" text,
	"screenshots" text,
	"submitted_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_templates" (
	"template_id" integer PRIMARY KEY NOT NULL,
	"user_version" text NOT NULL,
	"user_desc" text DEFAULT '' NOT NULL,
	"template_type" integer DEFAULT 0 NOT NULL,
	"source_miniprogram" text,
	"developer" text,
	"create_time" bigint NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_code_accounts" (
	"app_id" text PRIMARY KEY NOT NULL,
	"exp" jsonb,
	"privacy_ready_at" bigint,
	"latest_audit_id" bigint,
	"online" jsonb,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reverted_once" boolean DEFAULT false NOT NULL,
	"gray" jsonb,
	"undo_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_code_audits" (
	"audit_id" bigserial PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"status" integer DEFAULT 2 NOT NULL,
	"reason" text,
	"screenshot" text,
	"user_version" text NOT NULL,
	"user_desc" text NOT NULL,
	"submit_time" bigint NOT NULL,
	"resolve_at" bigint,
	"released" boolean DEFAULT false NOT NULL,
	"speedup" boolean DEFAULT false NOT NULL,
	"push_status" integer
);
--> statement-breakpoint
CREATE TABLE "sandbox_code_drafts" (
	"draft_id" integer PRIMARY KEY NOT NULL,
	"user_version" text NOT NULL,
	"user_desc" text NOT NULL,
	"create_time" bigint NOT NULL,
	"source_app_id" text NOT NULL,
	"source_name" text NOT NULL,
	"developer" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_code_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"privacy_check_ms" integer DEFAULT 5000 NOT NULL,
	"audit_delay_ms" integer DEFAULT 10000 NOT NULL,
	"default_rule" text DEFAULT 'approve' NOT NULL,
	"app_rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reject_reason" text DEFAULT '1:小程序内容不符合规范:<br>(1):页面存在未完成的功能<br>' NOT NULL,
	"push_events" boolean DEFAULT true NOT NULL,
	"quota_rest" integer DEFAULT 20 NOT NULL,
	"quota_limit" integer DEFAULT 20 NOT NULL,
	"speedup_rest" integer DEFAULT 3 NOT NULL,
	"speedup_limit" integer DEFAULT 3 NOT NULL,
	"clock_offset_ms" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_code_templates" (
	"template_id" integer PRIMARY KEY NOT NULL,
	"draft_id" integer NOT NULL,
	"template_type" integer DEFAULT 0 NOT NULL,
	"user_version" text NOT NULL,
	"user_desc" text NOT NULL,
	"create_time" bigint NOT NULL,
	"source_app_id" text NOT NULL,
	"source_name" text NOT NULL,
	"developer" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "release_audits_audit_idx" ON "release_audits" USING btree ("app_id","audit_id");--> statement-breakpoint
CREATE INDEX "release_audits_app_idx" ON "release_audits" USING btree ("app_id","id");--> statement-breakpoint
CREATE INDEX "sandbox_code_audits_app_idx" ON "sandbox_code_audits" USING btree ("app_id","audit_id");--> statement-breakpoint
CREATE INDEX "sandbox_code_audits_due_idx" ON "sandbox_code_audits" USING btree ("status","resolve_at");