CREATE TABLE "agent_status" (
	"agent_id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'offline' NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"max_chats" integer DEFAULT 3 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"done_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_agents" (
	"queue_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"last_assigned_at" timestamp with time zone,
	CONSTRAINT "queue_agents_queue_id_agent_id_pk" PRIMARY KEY("queue_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"mode" text DEFAULT 'offer' NOT NULL,
	"top_n" integer DEFAULT 2 NOT NULL,
	"offer_timeout_ms" integer DEFAULT 30000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"queue_id" uuid NOT NULL,
	"state" text DEFAULT 'waiting' NOT NULL,
	"owner_agent_id" uuid,
	"waiting_since" timestamp with time zone DEFAULT now() NOT NULL,
	"owned_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"wrap_up" text
);
--> statement-breakpoint
CREATE TABLE "wrap_up_reasons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" text NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_status" ADD CONSTRAINT "agent_status_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_agents" ADD CONSTRAINT "queue_agents_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_agents" ADD CONSTRAINT "queue_agents_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing" ADD CONSTRAINT "routing_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing" ADD CONSTRAINT "routing_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing" ADD CONSTRAINT "routing_owner_agent_id_agents_id_fk" FOREIGN KEY ("owner_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wrap_up_reasons" ADD CONSTRAINT "wrap_up_reasons_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at") WHERE "jobs"."done_at" is null;--> statement-breakpoint
CREATE INDEX "offers_agent_state_idx" ON "offers" USING btree ("agent_id","state");--> statement-breakpoint
CREATE INDEX "offers_conversation_state_idx" ON "offers" USING btree ("conversation_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "offers_pending_uq" ON "offers" USING btree ("conversation_id","agent_id") WHERE "offers"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "queue_agents_agent_idx" ON "queue_agents" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_workspace_name_uq" ON "queues" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "routing_queue_state_idx" ON "routing" USING btree ("queue_id","state","waiting_since");--> statement-breakpoint
CREATE INDEX "routing_owner_idx" ON "routing" USING btree ("owner_agent_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "wrap_up_reasons_workspace_label_uq" ON "wrap_up_reasons" USING btree ("workspace_id","label");