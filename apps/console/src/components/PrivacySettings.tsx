import { useEffect, useId, useState } from 'preact/hooks';
import { privacyChanged, type ContactDetailsRole, type PrivacyModel, type PrivacySettings as Settings } from '../PrivacyModel.ts';

type Privacy = Pick<PrivacyModel, 'settings' | 'status' | 'error' | 'saved' | 'busy' | 'load' | 'save' | 'clearFeedback'>;

/** The two choices of who sees contact details; admins always do. */
const AUDIENCES: { roles: ContactDetailsRole[]; label: string; note: string }[] = [
  { roles: ['agent', 'admin'], label: 'Agents and admins', note: 'Everyone who works a chat sees the customer’s e-mail and phone.' },
  { roles: ['admin'], label: 'Admins only', note: 'Agents are told their role does not see them.' },
];

const audienceOf = (roles: readonly ContactDetailsRole[]) => (roles.includes('agent') ? 0 : 1);

/**
 * The admin's privacy settings (MISSION.md A12): masking personal data in everything agents see,
 * and who sees contact details in the customer panel. Saved together, with a line that says it
 * worked or what to do.
 */
export function PrivacySettings({ privacy }: { privacy: Privacy }) {
  useEffect(() => {
    void privacy.load();
  }, [privacy]);
  const ids = useId();
  const settings = privacy.settings.value;
  // The admin's edits; null while the form shows what the gateway holds.
  const [draft, setDraft] = useState<Settings | null>(null);
  const shown = draft ?? settings;
  const edit = (patch: Partial<Settings>) => {
    if (!shown) return;
    privacy.clearFeedback();
    setDraft({ ...shown, ...patch });
  };
  const busy = privacy.busy.value;
  return (
    <section class="admin__section" aria-labelledby="admin-privacy">
      <h3 id="admin-privacy">Privacy</h3>
      {privacy.status.value === 'loading' && <p class="admin__empty">Loading…</p>}
      {!shown && privacy.error.value && (
        <p class="admin__error" role="alert">
          {privacy.error.value}
        </p>
      )}
      {privacy.status.value === 'error' && (
        <button class="button button--quiet" type="button" onClick={() => void privacy.load()}>
          Load the privacy settings again
        </button>
      )}
      {shown && (
        <form
          class="admin-form"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await privacy.save(shown)) setDraft(null);
          }}
        >
          <fieldset class="choices">
            <legend class="field__label">Masking</legend>
            <label class="choice">
              <input type="checkbox" checked={shown.maskPersonalData} aria-describedby={`${ids}-mask`} onChange={(e) => edit({ maskPersonalData: (e.currentTarget as HTMLInputElement).checked })} />
              Mask personal data
            </label>
            <p id={`${ids}-mask`} class="admin__hint">
              Card numbers, IBANs, social security numbers, e-mail addresses and phone numbers are masked in everything agents see, admins included: messages,
              previews, pop-overs, notifications, tickets and filled-in templates. A phone number +447966197542 shows as *********7542. Customers still see
              what they wrote, and turning masking off shows agents the original text again.
            </p>
          </fieldset>
          <fieldset class="choices">
            <legend class="field__label">Who sees contact details</legend>
            <p class="admin__hint">The customer’s e-mail address and phone number in the customer panel. Admins always see them.</p>
            {AUDIENCES.map((audience, i) => (
              <label key={audience.label} class="choice">
                <input
                  type="radio"
                  name={`${ids}-audience`}
                  checked={audienceOf(shown.contactDetailsRoles) === i}
                  aria-describedby={`${ids}-audience-${i}`}
                  onChange={() => edit({ contactDetailsRoles: audience.roles })}
                />
                {audience.label}
                <span id={`${ids}-audience-${i}`} class="choice__note">
                  {audience.note}
                </span>
              </label>
            ))}
          </fieldset>
          {privacy.error.value && (
            <p class="admin__error" role="alert">
              {privacy.error.value}
            </p>
          )}
          <div class="admin__inline">
            <button class="button button--primary" type="submit" disabled={busy || !privacyChanged(settings, shown)}>
              {busy ? 'Saving…' : 'Save privacy settings'}
            </button>
            <p class="admin__hint" role="status">
              {privacy.saved.value}
            </p>
          </div>
        </form>
      )}
    </section>
  );
}
