import type { Translation } from '../../../shared/i18n.ts';
import type { AttachmentStrings } from './en.ts';

/** I testi per i file, in italiano. */
const it: Translation<AttachmentStrings> = {
  attach: 'Allega un file',
  pending: 'File da inviare',
  files: 'File',
  uploading: 'Caricamento di {name}',
  remove: 'Rimuovi {name}',
  download: 'Scarica {name}',
  image: 'Immagine: {name}',
  drop: 'Trascina qui i file per inviarli',
  'error.type': 'Impossibile inviare {name}. Invia un PDF, un file Word, Excel o PowerPoint, un file di testo o un’immagine (JPG, PNG, GIF, BMP, WEBP, TIFF, HEIF).',
  'error.content': '{name} non può essere inviato: il contenuto non è un file PDF, Word, Excel, PowerPoint, di testo o un’immagine, qualunque cosa dica il nome.',
  'error.mismatch': '{name} non è ciò che dice il nome: è un file {kind}. Invialo con il suo vero nome.',
  'error.size': '{name} è troppo grande. I file possono essere al massimo di {max}.',
  'error.empty': '{name} è vuoto.',
  'error.count': 'Un messaggio può contenere al massimo {max} file.',
  'error.upload': 'Impossibile inviare {name}. Riprova.',
  'error.busy': 'Troppi file contemporaneamente. Attendi un momento e riprova.',
  'error.download': 'Impossibile scaricare il file. Riprova.',
};

export default it;
