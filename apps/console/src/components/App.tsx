import type { ConsoleModel } from '../ConsoleModel.ts';
import { ConsoleLayout } from './ConsoleLayout.tsx';
import { SignInForm } from './SignInForm.tsx';

/** The console's root: a loading line, the sign-in form, or the signed-in console. */
export function App({ model }: { model: ConsoleModel }) {
  const status = model.session.status.value;
  const agent = model.session.agent.value;
  if (status === 'loading') {
    return (
      <main class="splash">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (status === 'signed-out' || !agent) return <SignInForm session={model.session} />;
  return <ConsoleLayout model={model} agent={agent} />;
}
