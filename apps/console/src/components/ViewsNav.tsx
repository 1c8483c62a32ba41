import type { ViewName } from '@parley/protocol';
import { queryForView, VIEW_LABEL, VIEW_SECTIONS, type ViewsModel } from '../ViewsModel.ts';
import { SavedViewsList } from './SavedViews.tsx';

type Views = Pick<ViewsModel, 'current' | 'filter' | 'choose' | 'saved' | 'savedError' | 'chooseSaved' | 'rename' | 'removeSaved'>;

/** A built-in view's link: a real address (a new tab opens the view), chosen in place on a plain click. */
function ViewLink({ views, view }: { views: Views; view: ViewName }) {
  const current = views.current.value;
  const chosen = current.kind === 'view' && current.view === view;
  return (
    <li>
      <a
        class="views__link"
        href={queryForView({ kind: 'view', view, filter: chosen ? current.filter : {} }) || '?'}
        aria-current={chosen ? 'page' : undefined}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          views.choose(view);
        }}
      >
        {VIEW_LABEL[view]}
      </a>
    </li>
  );
}

/**
 * The views in the sidebar (MISSION.md A10): From customers — Open, Unanswered, Closed; My
 * conversations — Customer replies, Internal messages, All closed; the Archive; and the agent's
 * saved views. The chosen one is marked `aria-current`; choosing it again reads it again.
 */
export function ViewsNav({ views }: { views: Views }) {
  return (
    <nav class="views" aria-label="Views">
      {VIEW_SECTIONS.map((section, i) => (
        <div key={section.title} class="views__section">
          <h2 id={`views-section-${i}`} class="views__heading">
            {section.title}
          </h2>
          <ul class="views__list" aria-labelledby={`views-section-${i}`}>
            {section.views.map((view) => (
              <ViewLink key={view} views={views} view={view} />
            ))}
          </ul>
        </div>
      ))}
      <div class="views__section">
        <ul class="views__list views__list--archive" aria-label="Archive">
          <ViewLink views={views} view="archive" />
        </ul>
      </div>
      <div class="views__section">
        <SavedViewsList views={views} />
      </div>
    </nav>
  );
}
