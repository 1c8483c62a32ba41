import type { Translation } from '../../shared/i18n.ts';
import type { MessengerStrings } from './en.ts';

/** The messenger's strings in Italian. */
const it: Translation<MessengerStrings> = {
  dialog: 'Chat',
  title: 'Chatta con noi',
  'availability.online': 'Siamo online',
  'availability.away': 'Al momento siamo assenti',
  'availability.offline': 'Siamo offline',
  end: 'Termina la chat',
  request: 'Invia una richiesta',
  'list.title': 'Le tue conversazioni',
  log: 'Messaggi',
  empty: 'Scrivici un messaggio e ti risponderemo qui.',
  you: 'Tu',
  sending: 'Invio in corso…',
  sent: 'Inviato',
  seen: 'Visto',
  typing: '{name} sta scrivendo…',
  'typing.anonymous': 'Qualcuno sta scrivendo…',
  message: 'Messaggio',
  placeholder: 'Scrivi un messaggio…',
  send: 'Invia',
  connecting: 'Connessione in corso…',
  reconnecting: 'Riconnessione in corso… i tuoi messaggi verranno inviati appena sarai di nuovo online.',
  reload: 'Questa chat è stata aggiornata. Ricarica la pagina per continuare a chattare.',
  'reload.action': 'Ricarica',
  retry: 'Riprova',
  'error.network': 'Impossibile raggiungere il servizio di chat. Controlla la connessione e riprova.',
  'error.disabled': 'La chat non è attiva per questo sito.',
  'error.app': 'Questa chat non è configurata correttamente (app sconosciuta).',
  'error.start': 'Si è verificato un problema durante l’avvio della chat. Riprova.',
  'error.session': 'Impossibile avviare la sessione di chat. Riprova più tardi.',
  'error.tooLong': 'I messaggi possono avere al massimo {max} caratteri.',
  'error.notSent': 'Non è stato possibile inviare un messaggio. Riprova.',
  'error.blocked': 'Non puoi chattare qui: il team di assistenza di questo sito ha bloccato questa chat.',
};

export default it;
