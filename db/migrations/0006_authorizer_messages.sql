-- Per-account messages (issue 6). Account messages share wechat_events (source = 'authorizer'); the per-account
-- index becomes partial on source = 'component' so the staff timeline and "last event" stay lifecycle-only and never
-- walk past an account's user messages. webhook_deliveries is the durable forwarding queue: the due index holds only
-- pending rows (what workers poll), the merchant/app indexes serve the delivery log (keyset on id).
CREATE TABLE "sandbox_custom_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"authorizer_app_id" text NOT NULL,
	"to_user" text NOT NULL,
	"msg_type" text NOT NULL,
	"content" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_release_tests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"test_group" integer NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"checks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"merchant_id" uuid NOT NULL,
	"app_id" text NOT NULL,
	"summary" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"attempt_log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "wechat_events_authorizer_idx";--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "webhook_url" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "webhook_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "webhook_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_wechat_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."wechat_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_merchant_idx" ON "webhook_deliveries" USING btree ("event_id","merchant_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_merchant_idx" ON "webhook_deliveries" USING btree ("merchant_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_app_idx" ON "webhook_deliveries" USING btree ("app_id","id");--> statement-breakpoint
CREATE INDEX "wechat_events_authorizer_idx" ON "wechat_events" USING btree ("authorizer_app_id","received_at") WHERE "wechat_events"."source" = 'component';