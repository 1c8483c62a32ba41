import type { SessionModel } from '../SessionModel.ts';

/** The sign-in page: email, password, and the reason when signing in failed. */
export function SignInForm({ session }: { session: Pick<SessionModel, 'error' | 'busy' | 'signIn'> }) {
  const error = session.error.value;
  const busy = session.busy.value;
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void session.signIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
  };
  return (
    <main class="signin">
      <form class="signin__card" onSubmit={onSubmit} aria-labelledby="signin-title" noValidate>
        <p class="brand" aria-hidden="true">
          <span class="brand__mark">P</span> Parley
        </p>
        <h1 id="signin-title">Sign in to the console</h1>
        {error && (
          <p class="signin__error" role="alert">
            {error}
          </p>
        )}
        <label class="field">
          <span class="field__label">Email</span>
          <input name="email" type="email" autocomplete="username" required autofocus />
        </label>
        <label class="field">
          <span class="field__label">Password</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button class="button button--primary" type="submit" disabled={busy} aria-busy={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
