import type { Translation } from '../../shared/i18n.ts';
import type { PortalStrings } from './en.ts';

/** The portal's strings in Dutch. */
const nl: Translation<PortalStrings> = {
  title: 'Je verzoeken',
  'tickets.title': 'Verzoeken',
  'tickets.empty': 'Je hebt ons nog geen verzoek gestuurd.',
  'conversations.title': 'Chats',
  'conversations.empty': 'Nog geen chats.',
  'conversation.title': 'Chat van {date}',
  loading: 'Bezig met laden…',
  'error.load': 'Je verzoeken konden niet worden geladen. Controleer je verbinding en probeer het opnieuw.',
  retry: 'Opnieuw proberen',
  refresh: 'Vernieuwen',
  number: 'Verzoek #{number}',
  'status.open': 'Open',
  'status.pending': 'Wacht op je antwoord',
  'status.closed': 'Gesloten',
  'status.ended': 'Beëindigd',
  updated: 'Laatste activiteit {time}',
  noPreview: 'Nog geen berichten',
  back: 'Terug naar je verzoeken',
  log: 'Berichten',
  you: 'Jij',
  support: 'Klantenservice',
  'reply.label': 'Je antwoord',
  'reply.hint': 'Druk op Ctrl+Enter om te versturen.',
  'reply.send': 'Antwoord versturen',
  'reply.sending': 'Bezig met versturen…',
  continue: 'Verder in de chat',
  missing: 'Dit verzoek is niet gevonden.',
  'error.thread': 'Dit verzoek kon niet worden geladen. Probeer het opnieuw.',
  'error.reply': 'Je antwoord kon niet worden verstuurd. Probeer het opnieuw.',
  'error.tooLong': 'Je antwoord is te lang. Maak het korter of splits het in tweeën.',
  'error.network': 'We kunnen de klantenservice niet bereiken. Controleer je verbinding en probeer het opnieuw.',
  'error.identity': 'Log in op deze website om te antwoorden.',
  'file.download': '{name} downloaden ({size})',
  'error.download': 'Dit bestand kon niet worden gedownload. Probeer het opnieuw.',
};

export default nl;
