import type { Translation } from '../../../shared/i18n.ts';
import type { AttachmentStrings } from './en.ts';

/** De teksten voor bestanden, in het Nederlands. */
const nl: Translation<AttachmentStrings> = {
  attach: 'Bestand toevoegen',
  pending: 'Te versturen bestanden',
  files: 'Bestanden',
  uploading: '{name} wordt geüpload',
  remove: '{name} verwijderen',
  download: '{name} downloaden',
  image: 'Afbeelding: {name}',
  drop: 'Zet bestanden hier neer om ze te versturen',
  'error.type': '{name} kan niet worden verstuurd. Stuur een pdf, een Word-, Excel- of PowerPoint-bestand, een tekstbestand of een afbeelding (JPG, PNG, GIF, BMP, WEBP, TIFF, HEIF).',
  'error.content': '{name} kan niet worden verstuurd: de inhoud is geen PDF-, Word-, Excel-, PowerPoint-, tekst- of afbeeldingsbestand, wat de naam ook zegt.',
  'error.mismatch': '{name} is niet wat de naam zegt: het is een {kind}-bestand. Verstuur het onder de juiste naam.',
  'error.size': '{name} is te groot. Bestanden mogen hoogstens {max} zijn.',
  'error.empty': '{name} is leeg.',
  'error.count': 'Een bericht kan hoogstens {max} bestanden bevatten.',
  'error.upload': '{name} kon niet worden verstuurd. Probeer het opnieuw.',
  'error.busy': 'Te veel bestanden tegelijk. Wacht even en probeer het opnieuw.',
  'error.download': 'Het bestand kon niet worden gedownload. Probeer het opnieuw.',
};

export default nl;
