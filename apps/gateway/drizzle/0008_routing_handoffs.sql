CREATE TABLE "app_queues" (
	"app_id" text PRIMARY KEY NOT NULL,
	"queue_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_guests" (
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_guests_conversation_id_agent_id_pk" PRIMARY KEY("conversation_id","agent_id")
);
--> statement-breakpoint
ALTER TABLE "routing" ALTER COLUMN "queue_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "offers" ADD COLUMN "kind" text DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE "offers" ADD COLUMN "from_agent_id" uuid;--> statement-breakpoint
ALTER TABLE "offers" ADD COLUMN "target_queue_id" uuid;--> statement-breakpoint
ALTER TABLE "app_queues" ADD CONSTRAINT "app_queues_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_queues" ADD CONSTRAINT "app_queues_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_guests" ADD CONSTRAINT "conversation_guests_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_guests" ADD CONSTRAINT "conversation_guests_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_guests_agent_idx" ON "conversation_guests" USING btree ("agent_id");--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_from_agent_id_agents_id_fk" FOREIGN KEY ("from_agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_target_queue_id_queues_id_fk" FOREIGN KEY ("target_queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;