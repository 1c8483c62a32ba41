import type { Translation } from '../../shared/i18n.ts';
import type { MessengerStrings } from './en.ts';

/** The messenger's strings in Dutch. */
const nl: Translation<MessengerStrings> = {
  dialog: 'Chat',
  title: 'Chat met ons',
  'availability.online': 'We zijn online',
  'availability.away': 'We zijn even weg',
  'availability.offline': 'We zijn offline',
  end: 'Chat beëindigen',
  request: 'Verzoek sturen',
  'list.title': 'Je gesprekken',
  log: 'Berichten',
  empty: 'Stuur ons een bericht, we antwoorden hier.',
  you: 'Jij',
  sending: 'Versturen…',
  sent: 'Verstuurd',
  seen: 'Gelezen',
  typing: '{name} typt…',
  'typing.anonymous': 'Iemand typt…',
  message: 'Bericht',
  placeholder: 'Schrijf een bericht…',
  send: 'Versturen',
  connecting: 'Verbinden…',
  reconnecting: 'Opnieuw verbinden… je berichten worden verstuurd zodra je weer online bent.',
  reload: 'Deze chat is bijgewerkt. Laad de pagina opnieuw om verder te chatten.',
  'reload.action': 'Opnieuw laden',
  retry: 'Opnieuw proberen',
  'error.network': 'De chatdienst is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.',
  'error.disabled': 'Chat is niet ingeschakeld voor deze website.',
  'error.app': 'Deze chat is niet goed ingesteld (onbekende app).',
  'error.start': 'Er ging iets mis bij het starten van de chat. Probeer het opnieuw.',
  'error.session': 'De chatsessie kon niet worden gestart. Probeer het later opnieuw.',
  'error.tooLong': 'Berichten mogen hoogstens {max} tekens lang zijn.',
  'error.notSent': 'Een bericht kon niet worden verstuurd. Probeer het opnieuw.',
  'error.blocked': 'Je kunt hier niet chatten: het supportteam van deze website heeft deze chat geblokkeerd.',
};

export default nl;
