CREATE TABLE "reply_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"through_seq" integer NOT NULL,
	"message_ids" jsonb NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "reply_emails" ADD CONSTRAINT "reply_emails_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reply_emails_conversation_through_uq" ON "reply_emails" USING btree ("conversation_id","through_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_unseen_replies_uq" ON "jobs" USING btree (("payload" ->> 'conversationId')) WHERE "jobs"."kind" = 'conversation.unseen_replies' and "jobs"."done_at" is null;