import type { Translation } from '../../../shared/i18n.ts';
import type { AttachmentStrings } from './en.ts';

/** Dosyalar için metinler, Türkçe. */
const tr: Translation<AttachmentStrings> = {
  attach: 'Dosya ekle',
  pending: 'Gönderilecek dosyalar',
  files: 'Dosyalar',
  uploading: '{name} yükleniyor',
  remove: '{name} dosyasını kaldır',
  download: '{name} dosyasını indir',
  image: 'Görsel: {name}',
  drop: 'Göndermek için dosyaları buraya bırakın',
  'error.type': '{name} gönderilemez. PDF, Word, Excel veya PowerPoint dosyası, metin dosyası ya da görsel (JPG, PNG, GIF, BMP, WEBP, TIFF, HEIF) gönderin.',
  'error.content': '{name} gönderilemez: adı ne derse desin içeriği PDF, Word, Excel, PowerPoint, metin ya da görsel dosyası değil.',
  'error.mismatch': '{name} adının söylediği dosya değil: bir {kind} dosyası. Gerçek adıyla gönderin.',
  'error.size': '{name} çok büyük. Dosyalar en fazla {max} olabilir.',
  'error.empty': '{name} boş.',
  'error.count': 'Bir mesajda en fazla {max} dosya olabilir.',
  'error.upload': '{name} gönderilemedi. Lütfen tekrar deneyin.',
  'error.busy': 'Aynı anda çok fazla dosya. Biraz bekleyip tekrar deneyin.',
  'error.download': 'Dosya indirilemedi. Lütfen tekrar deneyin.',
};

export default tr;
