import type { SystemEvent } from '@parley/protocol';
import type { MessageRow } from '../../db/schema/index.ts';

/** Who writes routing's messages to a conversation (joined, left, ended). */
export const ROUTING_SENDER = 'parley';

const JOINED = ' joined the conversation.';
const LEFT = ' left the conversation.';

/** What everyone reads when an agent resolves a chat. */
export const CHAT_ENDED = 'This chat has ended.';
/** What the visitor and the agents read when an agent joins or leaves a conference. */
export const joinedText = (name: string) => `${name}${JOINED}`;
export const leftText = (name: string) => `${name}${LEFT}`;

/**
 * What one of routing's messages says, for a reader to put in their own words: the chat ended,
 * or an agent (by name) joined or left. Its client message id says which (`resolved-…`,
 * `joined-…`, `left-…`, set where it is written); undefined for any other message.
 */
export function systemEventOf(row: Pick<MessageRow, 'senderKind' | 'senderId' | 'clientMessageId' | 'body'>): SystemEvent | undefined {
  if (row.senderKind !== 'system' || row.senderId !== ROUTING_SENDER) return undefined;
  const kind = row.clientMessageId.slice(0, row.clientMessageId.indexOf('-'));
  if (kind === 'resolved') return { type: 'ended' };
  const suffix = kind === 'joined' ? JOINED : kind === 'left' ? LEFT : undefined;
  if (!suffix || !row.body.endsWith(suffix)) return undefined;
  return { type: kind as 'joined' | 'left', name: row.body.slice(0, -suffix.length) };
}
