import type { Translation } from '../../shared/i18n.ts';
import type { PortalStrings } from './en.ts';

/** The portal's strings in Italian. */
const it: Translation<PortalStrings> = {
  title: 'Le tue richieste',
  'tickets.title': 'Richieste',
  'tickets.empty': 'Non ci hai ancora inviato una richiesta.',
  'conversations.title': 'Chat',
  'conversations.empty': 'Ancora nessuna chat.',
  'conversation.title': 'Chat del {date}',
  loading: 'Caricamento…',
  'error.load': 'Non è stato possibile caricare le tue richieste. Controlla la connessione e riprova.',
  retry: 'Riprova',
  refresh: 'Aggiorna',
  number: 'Richiesta #{number}',
  'status.open': 'Aperta',
  'status.pending': 'In attesa della tua risposta',
  'status.closed': 'Chiusa',
  'status.ended': 'Terminata',
  updated: 'Ultima attività {time}',
  noPreview: 'Ancora nessun messaggio',
  back: 'Torna alle tue richieste',
  log: 'Messaggi',
  you: 'Tu',
  support: 'Assistenza',
  'reply.label': 'La tua risposta',
  'reply.hint': 'Premi Ctrl+Invio per inviare.',
  'reply.send': 'Invia risposta',
  'reply.sending': 'Invio in corso…',
  continue: 'Continua in chat',
  missing: 'Questa richiesta non è stata trovata.',
  'error.thread': 'Non è stato possibile caricare questa richiesta. Riprova.',
  'error.reply': 'Non è stato possibile inviare la risposta. Riprova.',
  'error.tooLong': 'La risposta è troppo lunga. Accorciala o dividila in due.',
  'error.network': 'Non riusciamo a raggiungere il servizio di assistenza. Controlla la connessione e riprova.',
  'error.identity': 'Accedi a questo sito per rispondere.',
  'file.download': 'Scarica {name} ({size})',
  'error.download': 'Non è stato possibile scaricare questo file. Riprova.',
};

export default it;
