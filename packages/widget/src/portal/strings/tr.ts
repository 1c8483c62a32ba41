import type { Translation } from '../../shared/i18n.ts';
import type { PortalStrings } from './en.ts';

/** The portal's strings in Turkish. */
const tr: Translation<PortalStrings> = {
  title: 'Talepleriniz',
  'tickets.title': 'Talepler',
  'tickets.empty': 'Henüz bize bir talep göndermediniz.',
  'conversations.title': 'Sohbetler',
  'conversations.empty': 'Henüz sohbet yok.',
  'conversation.title': '{date} tarihli sohbet',
  loading: 'Yükleniyor…',
  'error.load': 'Talepleriniz yüklenemedi. Bağlantınızı kontrol edip tekrar deneyin.',
  retry: 'Tekrar dene',
  refresh: 'Yenile',
  number: 'Talep #{number}',
  'status.open': 'Açık',
  'status.pending': 'Yanıtınız bekleniyor',
  'status.closed': 'Kapalı',
  'status.ended': 'Sona erdi',
  updated: 'Son etkinlik {time}',
  noPreview: 'Henüz mesaj yok',
  back: 'Taleplerinize dönün',
  log: 'Mesajlar',
  you: 'Siz',
  support: 'Destek',
  'reply.label': 'Yanıtınız',
  'reply.hint': 'Göndermek için Ctrl+Enter tuşlarına basın.',
  'reply.send': 'Yanıtı gönder',
  'reply.sending': 'Gönderiliyor…',
  continue: 'Sohbete devam et',
  missing: 'Bu talep bulunamadı.',
  'error.thread': 'Bu talep yüklenemedi. Tekrar deneyin.',
  'error.reply': 'Yanıtınız gönderilemedi. Lütfen tekrar deneyin.',
  'error.tooLong': 'Yanıtınız çok uzun. Kısaltın veya ikiye bölün.',
  'error.network': 'Destek hizmetine ulaşamıyoruz. Bağlantınızı kontrol edip tekrar deneyin.',
  'error.identity': 'Yanıt vermek için bu web sitesinde oturum açın.',
  'file.download': '{name} dosyasını indir ({size})',
  'error.download': 'Bu dosya indirilemedi. Tekrar deneyin.',
};

export default tr;
