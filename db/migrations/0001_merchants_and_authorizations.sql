CREATE TABLE "authorization_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"authorizer_app_id" text NOT NULL,
	"exchanged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "authorization_sessions" (
	"state" text PRIMARY KEY NOT NULL,
	"merchant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"pre_auth_code" text NOT NULL,
	"auth_type" integer NOT NULL,
	"biz_app_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"outcome" text,
	"authorizer_app_id" text
);
--> statement-breakpoint
CREATE TABLE "authorizer_grants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"source" text NOT NULL,
	"func_ids" jsonb NOT NULL,
	"state_version" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'merchant' NOT NULL,
	"merchant_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "merchant_id" uuid;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "contested_by_merchant_id" uuid;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "nick_name" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "head_img" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "user_name" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "principal_name" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "alias" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "service_type_id" integer;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "verify_type_id" integer;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "account_status" integer;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "qrcode_url" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "func_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "review_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "state_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "refresh_token_sealed" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "access_token_sealed" text;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "access_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "authorized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizers" ADD COLUMN "profile_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wechat_events" ADD COLUMN "processing_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wechat_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "authorization_sessions" ADD CONSTRAINT "authorization_sessions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_sessions" ADD CONSTRAINT "authorization_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "authorization_sessions_pre_auth_code_idx" ON "authorization_sessions" USING btree ("pre_auth_code");--> statement-breakpoint
CREATE INDEX "authorizer_grants_app_idx" ON "authorizer_grants" USING btree ("app_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree ("email");--> statement-breakpoint
ALTER TABLE "authorizers" ADD CONSTRAINT "authorizers_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorizers" ADD CONSTRAINT "authorizers_contested_by_merchant_id_merchants_id_fk" FOREIGN KEY ("contested_by_merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "authorizers_merchant_idx" ON "authorizers" USING btree ("merchant_id","created_at");