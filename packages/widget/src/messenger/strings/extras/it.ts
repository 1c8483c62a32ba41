import type { Translation } from '../../../shared/i18n.ts';
import type { ExtraStrings } from './en.ts';

/** The strings of the views that load later, in Italian. */
const it: Translation<ExtraStrings> = {
  back: 'Le tue conversazioni',
  'end.confirm': 'Terminare questa chat? Puoi iniziarne una nuova in qualsiasi momento.',
  'end.cancel': 'Continua a chattare',
  ended: 'Questa chat è terminata.',
  joined: '{name} si è unito alla conversazione.',
  left: '{name} ha lasciato la conversazione.',
  new: 'Nuova conversazione',
  'list.empty': 'Ancora nessun messaggio',
  'list.ended': 'Terminata',
  'unread.one': '{count} messaggio non letto',
  'unread.other': '{count} messaggi non letti',
  'prechat.intro': 'Prima di iniziare, dicci come contattarti.',
  'prechat.name': 'Nome',
  'prechat.email': 'E-mail',
  'prechat.optional': '(facoltativo)',
  'prechat.submit': 'Inizia la chat',
  'field.required': 'Compila questo campo.',
  'field.email': 'Inserisci un indirizzo e-mail valido.',
  'offline.text': 'Al momento nessuno può rispondere. Lasciaci la tua e-mail e ti risponderemo lì.',
  'offline.email': 'La tua e-mail',
  'offline.submit': 'Avvisami',
  'offline.thanks': 'Grazie! Risponderemo a {email}.',
  'error.action': 'Operazione non riuscita. Riprova.',
};

export default it;
