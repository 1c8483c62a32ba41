-- Custom SQL migration file, put your code below! --
-- A customer who writes again brings an archived conversation back to the main views: once per
-- inserting statement, this trigger clears `archived_at` of each conversation that got a visitor
-- message written at or after it was archived. Messages from before the archiving (an imported
-- or seeded history) leave it archived. Conversations that are not archived cost one index probe.
CREATE OR REPLACE FUNCTION parley_unarchive_on_visitor_message() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations c SET archived_at = NULL
  FROM (SELECT conversation_id, max(created_at) AS at FROM parley_new_visitor_messages
        WHERE sender_kind = 'visitor' GROUP BY conversation_id) n
  WHERE c.id = n.conversation_id AND c.archived_at IS NOT NULL AND n.at >= c.archived_at;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER messages_unarchive AFTER INSERT ON messages
  REFERENCING NEW TABLE AS parley_new_visitor_messages
  FOR EACH STATEMENT EXECUTE FUNCTION parley_unarchive_on_visitor_message();
--> statement-breakpoint
-- Web form tickets made before channels existed: their conversation was made with the ticket.
UPDATE conversations c SET channel = 'web_form' FROM tickets t
  WHERE t.conversation_id = c.id AND t.created_at = c.created_at;
--> statement-breakpoint
-- Chats resolved before the archive existed belong in it.
UPDATE conversations c SET archived_at = r.resolved_at FROM routing r
  WHERE r.conversation_id = c.id AND r.state = 'resolved' AND r.resolved_at IS NOT NULL AND c.archived_at IS NULL;
