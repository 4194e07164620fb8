CREATE TABLE "batch_targets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"batch_id" bigint NOT NULL,
	"app_id" text NOT NULL,
	"merchant_id" uuid,
	"step" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_answer" jsonb,
	"outcome" jsonb,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"fence" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"pause_reason" jsonb,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "batch_targets" ADD CONSTRAINT "batch_targets_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_targets" ADD CONSTRAINT "batch_targets_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "batch_targets_batch_app_idx" ON "batch_targets" USING btree ("batch_id","app_id");--> statement-breakpoint
CREATE INDEX "batch_targets_due_idx" ON "batch_targets" USING btree ("next_run_at") WHERE "batch_targets"."status" in ('pending', 'waiting');--> statement-breakpoint
CREATE INDEX "batch_targets_app_idx" ON "batch_targets" USING btree ("app_id","id");--> statement-breakpoint
CREATE INDEX "batch_targets_batch_status_idx" ON "batch_targets" USING btree ("batch_id","status");--> statement-breakpoint
CREATE INDEX "batches_kind_idx" ON "batches" USING btree ("kind","id");