CREATE TABLE "agent_presence" (
	"node_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"sockets" integer NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_presence_node_id_workspace_id_pk" PRIMARY KEY("node_id","workspace_id")
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"app_id" text PRIMARY KEY NOT NULL,
	"pre_chat_name" text DEFAULT 'off' NOT NULL,
	"pre_chat_email" text DEFAULT 'off' NOT NULL,
	"bot_enabled" boolean DEFAULT false NOT NULL,
	"bot_text" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_reads" (
	"conversation_id" uuid NOT NULL,
	"reader_kind" text NOT NULL,
	"reader_id" text NOT NULL,
	"seq" integer DEFAULT 0 NOT NULL,
	"public_seq" integer DEFAULT 0 NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_reads_conversation_id_reader_kind_reader_id_pk" PRIMARY KEY("conversation_id","reader_kind","reader_id")
);
--> statement-breakpoint
ALTER TABLE "app_settings" ADD CONSTRAINT "app_settings_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_presence_workspace_idx" ON "agent_presence" USING btree ("workspace_id");