import type { TeamModel } from '../TeamModel.ts';

/** The queues this agent sees, with how many visitors wait and how many agents are Online in each (MISSION.md A2). */
export function QueuePanel({ team }: { team: Pick<TeamModel, 'queues' | 'status'> }) {
  const queues = team.queues.value;
  if (team.status.value !== 'ready') return null;
  return (
    <section class="queues" aria-labelledby="queues-title">
      <h2 id="queues-title" class="inbox__title">
        Queues <span class="count">{queues.length}</span>
      </h2>
      {queues.length === 0 ? (
        <p class="inbox__empty">You are in no queue yet. An admin adds agents to queues.</p>
      ) : (
        <ul class="queues__list">
          {queues.map((queue) => (
            <li key={queue.id} class={`queue${queue.waiting > 0 ? ' queue--waiting' : ''}`} data-queue-id={queue.id}>
              <span class="queue__name">{queue.name}</span>
              <span class="queue__count">
                <strong>{queue.waiting}</strong> waiting
              </span>
              <span class="queue__count">
                <strong>{queue.online}</strong> online
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
