DROP INDEX "conversations_visitor_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_public_message_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "conversations_visitor_idx" ON "conversations" USING btree ("visitor_id","last_public_message_at" DESC NULLS LAST);