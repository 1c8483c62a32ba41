ALTER TABLE "visitors" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "reply_emails" ADD COLUMN "locale" text DEFAULT 'en' NOT NULL;