import { CustomerPanelSettingsSchema, type CustomerPanelSettings } from '@parley/protocol';
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { explainError, type Api } from './api.ts';

/** A role that may see contact details in the customer panel. */
export type ContactDetailsRole = CustomerPanelSettings['contactDetailsRoles'][number];

/** The workspace's privacy settings as the admin edits them. */
export interface PrivacySettings {
  /** Agents get card numbers, IBANs, social security numbers, e-mail addresses and phone numbers masked. */
  maskPersonalData: boolean;
  /** Who sees a customer's e-mail and phone in the customer panel: `['admin']` or `['agent', 'admin']`. */
  contactDetailsRoles: ContactDetailsRole[];
}

/** What the privacy model needs: REST for the admin's workspace routes. */
export interface PrivacyTransport {
  api: Pick<Api, 'get' | 'patch'>;
}

/** `GET` and `PATCH /api/admin/workspace` answer the workspace's settings. */
interface WorkspaceAnswer {
  workspace: { id: string; name: string; maskPersonalData: boolean };
}

/** `GET` and `PATCH /api/admin/workspace/customer-panel` answer the customer panel's settings. */
interface CustomerPanelAnswer {
  settings: CustomerPanelSettings;
}

/**
 * The workspace's privacy settings, for admins (MISSION.md A12, issue 6's masking): whether
 * personal data is masked for agents, and who sees contact details in the customer panel.
 */
export interface PrivacyModel {
  /** The settings as the gateway holds them; null until read. */
  readonly settings: ReadonlySignal<PrivacySettings | null>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  /** Why the last read or save failed, and what to do about it. */
  readonly error: ReadonlySignal<string | null>;
  /** What the last save did, in words for the admin (cleared by `clearFeedback`). */
  readonly saved: ReadonlySignal<string | null>;
  /** True while a save is on its way. */
  readonly busy: ReadonlySignal<boolean>;
  /** Reads both settings (again). */
  load(): Promise<void>;
  /** Saves whichever settings differ from the gateway's; true when all of them were saved. */
  save(next: PrivacySettings): Promise<boolean>;
  /** Forgets the last error and the last "saved" message (the admin is editing again). */
  clearFeedback(): void;
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((role) => b.includes(role));

/** Whether a draft differs from the settings the gateway holds. */
export function privacyChanged(settings: PrivacySettings | null, draft: PrivacySettings): boolean {
  return !settings || settings.maskPersonalData !== draft.maskPersonalData || !sameRoles(settings.contactDetailsRoles, draft.contactDetailsRoles);
}

/** Creates the privacy settings' model; call `load()` when the admin screens open. */
export function createPrivacyModel({ api }: PrivacyTransport): PrivacyModel {
  const settings = signal<PrivacySettings | null>(null);
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const saved = signal<string | null>(null);
  const busy = signal(false);

  const set = (patch: Partial<PrivacySettings>) => {
    if (settings.value) settings.value = { ...settings.value, ...patch };
  };

  return {
    settings,
    status,
    error,
    saved,
    busy,
    async load() {
      try {
        const [workspace, panel] = await Promise.all([api.get<WorkspaceAnswer>('/api/admin/workspace'), api.get<CustomerPanelAnswer>('/api/admin/workspace/customer-panel')]);
        batch(() => {
          settings.value = { maskPersonalData: workspace.workspace.maskPersonalData, contactDetailsRoles: panel.settings.contactDetailsRoles };
          status.value = 'ready';
          error.value = null;
        });
      } catch (e) {
        batch(() => {
          if (status.value === 'loading') status.value = 'error';
          error.value = explainError(e, 'The privacy settings could not be loaded.');
        });
      }
    },
    async save(next) {
      const current = settings.value;
      if (busy.value || !current) return false;
      // The gateway's own check, so a wrong choice is explained before anything is sent.
      const roles = v.safeParse(CustomerPanelSettingsSchema, { contactDetailsRoles: next.contactDetailsRoles });
      if (!roles.success) {
        error.value = 'Admins always see contact details: choose “Admins only” or “Agents and admins”.';
        return false;
      }
      const maskingChanges = current.maskPersonalData !== next.maskPersonalData;
      const rolesChange = !sameRoles(current.contactDetailsRoles, roles.output.contactDetailsRoles);
      batch(() => {
        busy.value = true;
        error.value = null;
        saved.value = null;
      });
      let savedMasking = false;
      try {
        if (maskingChanges) {
          const answer = await api.patch<WorkspaceAnswer>('/api/admin/workspace', { maskPersonalData: next.maskPersonalData });
          set({ maskPersonalData: answer.workspace.maskPersonalData });
          savedMasking = true;
        }
        if (rolesChange) {
          const answer = await api.patch<CustomerPanelAnswer>('/api/admin/workspace/customer-panel', roles.output);
          set({ contactDetailsRoles: answer.settings.contactDetailsRoles });
        }
        saved.value = maskingChanges || rolesChange ? 'Privacy settings saved.' : 'Nothing to save: the settings are as they were.';
        return true;
      } catch (e) {
        const why = explainError(e, savedMasking || !maskingChanges ? 'Who sees contact details could not be saved.' : 'The masking setting could not be saved.');
        error.value = savedMasking ? `The masking setting is saved. ${why}` : why;
        return false;
      } finally {
        busy.value = false;
      }
    },
    clearFeedback() {
      batch(() => {
        error.value = null;
        saved.value = null;
      });
    },
  };
}
