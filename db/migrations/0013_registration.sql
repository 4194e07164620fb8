CREATE TABLE "registration_pushes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"push_key" text NOT NULL,
	"registration_id" uuid,
	"app_id" text,
	"status" integer,
	"msg" text,
	"info" jsonb NOT NULL,
	"create_time" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"entity_key" text NOT NULL,
	"fields" jsonb NOT NULL,
	"task_id" text,
	"authorize_url" text,
	"status" text DEFAULT 'waiting' NOT NULL,
	"wechat_status" integer,
	"push_status" integer,
	"app_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"next_poll_at" timestamp with time zone,
	"poll_lease_owner" text,
	"poll_lease_until" timestamp with time zone,
	"last_error" jsonb,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_fast_registrations" (
	"task_id" text PRIMARY KEY NOT NULL,
	"create_token" text NOT NULL,
	"kind" text NOT NULL,
	"entity_key" text NOT NULL,
	"request" jsonb NOT NULL,
	"status" integer NOT NULL,
	"app_id" text,
	"auth_code" text,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "registration_pushes" ADD CONSTRAINT "registration_pushes_registration_id_registration_tasks_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registration_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_tasks" ADD CONSTRAINT "registration_tasks_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_tasks" ADD CONSTRAINT "registration_tasks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "registration_pushes_key_idx" ON "registration_pushes" USING btree ("push_key");--> statement-breakpoint
CREATE INDEX "registration_pushes_task_idx" ON "registration_pushes" USING btree ("registration_id");--> statement-breakpoint
CREATE UNIQUE INDEX "registration_tasks_running_entity_idx" ON "registration_tasks" USING btree ("kind","entity_key") WHERE "registration_tasks"."status" = 'waiting';--> statement-breakpoint
CREATE UNIQUE INDEX "registration_tasks_task_id_idx" ON "registration_tasks" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "registration_tasks_merchant_idx" ON "registration_tasks" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE INDEX "registration_tasks_poll_idx" ON "registration_tasks" USING btree ("next_poll_at") WHERE "registration_tasks"."status" = 'waiting';--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_fast_registrations_token_idx" ON "sandbox_fast_registrations" USING btree ("create_token");--> statement-breakpoint
CREATE INDEX "sandbox_fast_registrations_entity_idx" ON "sandbox_fast_registrations" USING btree ("kind","entity_key");