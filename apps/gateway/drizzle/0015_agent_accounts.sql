ALTER TABLE "agents" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "deactivated_at" timestamp with time zone;