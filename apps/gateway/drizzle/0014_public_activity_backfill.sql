-- Custom SQL migration file, put your code below! --
-- The visitor's lists show and sort by the last message the visitor may see: fill it for the
-- conversations that exist, from their messages.
UPDATE "conversations" c SET "last_public_message_at" = m.at
FROM (SELECT "conversation_id", max("created_at") AS at FROM "messages" WHERE NOT "internal" GROUP BY "conversation_id") m
WHERE m."conversation_id" = c."id";
