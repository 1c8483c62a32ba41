import type { Translation } from '../../../shared/i18n.ts';
import type { ExtraStrings } from './en.ts';

/** The strings of the views that load later, in Turkish. */
const tr: Translation<ExtraStrings> = {
  back: 'Sohbetleriniz',
  'end.confirm': 'Bu sohbet sonlandırılsın mı? İstediğiniz zaman yenisini başlatabilirsiniz.',
  'end.cancel': 'Sohbete devam et',
  ended: 'Bu sohbet sona erdi.',
  joined: '{name} sohbete katıldı.',
  left: '{name} sohbetten ayrıldı.',
  new: 'Yeni sohbet',
  'list.empty': 'Henüz mesaj yok',
  'list.ended': 'Sona erdi',
  'unread.one': '{count} okunmamış mesaj',
  'unread.other': '{count} okunmamış mesaj',
  'prechat.intro': 'Başlamadan önce size nasıl ulaşabileceğimizi söyleyin.',
  'prechat.name': 'Ad',
  'prechat.email': 'E-posta',
  'prechat.optional': '(isteğe bağlı)',
  'prechat.submit': 'Sohbeti başlat',
  'field.required': 'Lütfen bu alanı doldurun.',
  'field.email': 'Lütfen geçerli bir e-posta adresi girin.',
  'offline.text': 'Şu anda kimse yanıt veremiyor. E-posta adresinizi bırakın, size oradan yanıt verelim.',
  'offline.email': 'E-posta adresiniz',
  'offline.submit': 'Bana haber ver',
  'offline.thanks': 'Teşekkürler! {email} adresine yanıt vereceğiz.',
  'error.action': 'Bu işlem yapılamadı. Lütfen tekrar deneyin.',
};

export default tr;
