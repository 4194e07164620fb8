-- The current ticket is read from the newest component_verify_ticket event (every ticket push has been stored
-- there from the start), so storing a push becomes one INSERT with no shared row to lock.
CREATE INDEX "wechat_events_ticket_idx" ON "wechat_events" USING btree ("create_time" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "wechat_events"."info_type" = 'component_verify_ticket';--> statement-breakpoint
ALTER TABLE "wechat_component" DROP COLUMN "ticket";--> statement-breakpoint
ALTER TABLE "wechat_component" DROP COLUMN "ticket_create_time";--> statement-breakpoint
ALTER TABLE "wechat_component" DROP COLUMN "ticket_received_at";