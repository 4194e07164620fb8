CREATE TABLE "chart_buckets" (
	"bucket" timestamp with time zone NOT NULL,
	"series" text NOT NULL,
	"label" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "chart_buckets_bucket_series_label_pk" PRIMARY KEY("bucket","series","label")
);
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_failed_idx" ON "webhook_deliveries" USING btree ("id") WHERE "webhook_deliveries"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "wechat_events_component_received_idx" ON "wechat_events" USING btree ("received_at") WHERE "wechat_events"."source" = 'component';