import type { Translation } from '../../../shared/i18n.ts';
import type { ExtraStrings } from './en.ts';

/** The strings of the views that load later, in Dutch. */
const nl: Translation<ExtraStrings> = {
  back: 'Je gesprekken',
  'end.confirm': 'Deze chat beëindigen? Je kunt altijd een nieuwe beginnen.',
  'end.cancel': 'Verder chatten',
  ended: 'Deze chat is beëindigd.',
  joined: '{name} neemt deel aan het gesprek.',
  left: '{name} heeft het gesprek verlaten.',
  new: 'Nieuw gesprek',
  'list.empty': 'Nog geen berichten',
  'list.ended': 'Beëindigd',
  'unread.one': '{count} ongelezen bericht',
  'unread.other': '{count} ongelezen berichten',
  'prechat.intro': 'Vertel ons eerst hoe we je kunnen bereiken.',
  'prechat.name': 'Naam',
  'prechat.email': 'E-mail',
  'prechat.optional': '(optioneel)',
  'prechat.submit': 'Chat starten',
  'field.required': 'Vul dit veld in.',
  'field.email': 'Vul een geldig e-mailadres in.',
  'offline.text': 'Er kan nu niemand antwoorden. Laat je e-mailadres achter, dan antwoorden we daar.',
  'offline.email': 'Je e-mailadres',
  'offline.submit': 'Houd me op de hoogte',
  'offline.thanks': 'Bedankt! We antwoorden naar {email}.',
  'error.action': 'Dat lukte niet. Probeer het opnieuw.',
};

export default nl;
