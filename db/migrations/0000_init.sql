CREATE TABLE "authorizers" (
	"app_id" text PRIMARY KEY NOT NULL,
	"kind" text,
	"status" text DEFAULT 'authorized' NOT NULL,
	"refresh_failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_auth_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"authorizer_app_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"exchange_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_authorizers" (
	"app_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"profile" jsonb NOT NULL,
	"func_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"authorized" boolean DEFAULT false NOT NULL,
	"refresh_token" text,
	"auth_time" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_calls" (
	"endpoint" text PRIMARY KEY NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_faults" (
	"endpoint" text PRIMARY KEY NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"errcode" integer,
	"remaining" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_pre_auth_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"component_app_id" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sandbox_tickets" (
	"ticket" text PRIMARY KEY NOT NULL,
	"component_app_id" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_tokens" (
	"token" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"owner_app_id" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wechat_component" (
	"app_id" text PRIMARY KEY NOT NULL,
	"ticket" text,
	"ticket_create_time" bigint,
	"ticket_received_at" timestamp with time zone,
	"access_token_sealed" text,
	"access_token_expires_at" timestamp with time zone,
	"access_token_refreshed_at" timestamp with time zone,
	"last_refresh_error" text,
	"push_requested_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"info_type" text NOT NULL,
	"authorizer_app_id" text,
	"dedupe_key" text NOT NULL,
	"create_time" bigint NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"process_error" text,
	CONSTRAINT "wechat_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE INDEX "authorizers_refresh_failed_idx" ON "authorizers" USING btree ("refresh_failed_at") WHERE "authorizers"."refresh_failed_at" is not null;--> statement-breakpoint
CREATE INDEX "sandbox_tokens_owner_idx" ON "sandbox_tokens" USING btree ("kind","owner_app_id");--> statement-breakpoint
CREATE INDEX "wechat_events_authorizer_idx" ON "wechat_events" USING btree ("authorizer_app_id","received_at");--> statement-breakpoint
CREATE INDEX "wechat_events_unprocessed_idx" ON "wechat_events" USING btree ("received_at") WHERE "wechat_events"."processed_at" is null;