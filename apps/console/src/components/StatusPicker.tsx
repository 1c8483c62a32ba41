import { CHOSEN_STATUSES } from '@parley/protocol';
import { duration, durationWords } from '../format.ts';
import { STATUS_LABEL, type ChosenStatus, type TeamModel } from '../TeamModel.ts';

/**
 * The agent's own status in the top bar (MISSION.md A1): Online, Invisible, Break, Offline, and
 * RONA when routing set it after a missed offer, with "Go Online" to leave it; the time in the
 * current status runs beside it.
 */
export function StatusPicker({ team }: { team: Pick<TeamModel, 'me' | 'status' | 'error' | 'timeInStatus' | 'changing' | 'setStatus'> }) {
  const me = team.me.value;
  if (!me) {
    return team.status.value === 'error' ? (
      <p class="presence presence--unavailable" title={team.error.value ?? undefined}>
        Status unavailable
      </p>
    ) : null;
  }
  const rona = me.status === 'rona';
  const elapsed = team.timeInStatus.value;
  return (
    <div class={`presence presence--${me.status}`}>
      <span class="presence__dot" aria-hidden="true" />
      <label class="presence__label" for="presence-status">
        Status
      </label>
      <select
        id="presence-status"
        class="presence__select"
        value={me.status}
        disabled={team.changing.value}
        onChange={(event) => void team.setStatus((event.currentTarget as HTMLSelectElement).value as ChosenStatus)}
      >
        {rona && (
          <option value="rona" disabled>
            RONA (missed a chat)
          </option>
        )}
        {CHOSEN_STATUSES.map((status) => (
          <option key={status} value={status}>
            {STATUS_LABEL[status]}
          </option>
        ))}
      </select>
      <span class="presence__time" title={`In this status for ${durationWords(elapsed)}`}>
        <span class="visually-hidden">In this status for </span>
        {duration(elapsed)}
      </span>
      {rona && (
        <button class="button button--primary presence__online" type="button" disabled={team.changing.value} onClick={() => void team.setStatus('online')}>
          Go Online
        </button>
      )}
      {team.error.value && me && (
        <p class="presence__error" role="alert">
          {team.error.value}
        </p>
      )}
    </div>
  );
}
