CREATE TABLE "sandbox_setup_accounts" (
	"app_id" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_setup_component" (
	"component_app_id" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_accounts" (
	"app_id" text PRIMARY KEY NOT NULL,
	"snapshot" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blocking_item" text,
	"read_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"applied" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_privacy_contacts" (
	"app_id" text PRIMARY KEY NOT NULL,
	"merchant_id" uuid NOT NULL,
	"contact_email" text,
	"contact_phone" text,
	"contact_qq" text,
	"contact_weixin" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_profile" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"server_domains" jsonb NOT NULL,
	"webview_domains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"privacy_notice_method" text DEFAULT '弹窗' NOT NULL,
	"privacy_store_expire" text,
	"privacy_settings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_by_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_testers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"wechat_id" text,
	"userstr" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "setup_privacy_contacts" ADD CONSTRAINT "setup_privacy_contacts_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "setup_profile" ADD CONSTRAINT "setup_profile_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "setup_accounts_blocking_idx" ON "setup_accounts" USING btree ("blocking_item");--> statement-breakpoint
CREATE UNIQUE INDEX "setup_testers_app_userstr_idx" ON "setup_testers" USING btree ("app_id","userstr");