import type { Translation } from '../../shared/i18n.ts';
import type { MessengerStrings } from './en.ts';

/** The messenger's strings in Turkish. */
const tr: Translation<MessengerStrings> = {
  dialog: 'Sohbet',
  title: 'Bizimle sohbet edin',
  'availability.online': 'Çevrimiçiyiz',
  'availability.away': 'Şu anda uzaktayız',
  'availability.offline': 'Çevrimdışıyız',
  end: 'Sohbeti sonlandır',
  request: 'Talep gönder',
  'list.title': 'Sohbetleriniz',
  log: 'Mesajlar',
  empty: 'Bize bir mesaj gönderin, buradan yanıtlayalım.',
  you: 'Siz',
  sending: 'Gönderiliyor…',
  sent: 'Gönderildi',
  seen: 'Görüldü',
  typing: '{name} yazıyor…',
  'typing.anonymous': 'Biri yazıyor…',
  message: 'Mesaj',
  placeholder: 'Bir mesaj yazın…',
  send: 'Gönder',
  connecting: 'Bağlanıyor…',
  reconnecting: 'Yeniden bağlanıyor… mesajlarınız tekrar çevrimiçi olduğunuzda gönderilecek.',
  reload: 'Bu sohbet güncellendi. Sohbete devam etmek için sayfayı yenileyin.',
  'reload.action': 'Yenile',
  retry: 'Tekrar dene',
  'error.network': 'Sohbet hizmetine ulaşılamıyor. Bağlantınızı kontrol edip tekrar deneyin.',
  'error.disabled': 'Bu web sitesinde sohbet etkin değil.',
  'error.app': 'Bu sohbet doğru kurulmamış (bilinmeyen uygulama).',
  'error.start': 'Sohbet başlatılırken bir sorun oluştu. Lütfen tekrar deneyin.',
  'error.session': 'Sohbet oturumu başlatılamadı. Lütfen daha sonra tekrar deneyin.',
  'error.tooLong': 'Mesajlar en fazla {max} karakter olabilir.',
  'error.notSent': 'Bir mesaj gönderilemedi. Lütfen tekrar deneyin.',
  'error.blocked': 'Burada sohbet edemezsiniz: bu web sitesinin destek ekibi bu sohbeti engelledi.',
};

export default tr;
