import { useState, type FormEvent } from 'react';
import { useSignIn } from '../api/queries.js';

/**
 * Sign-in with an LLMTrace key (admin or tenant). The key lives only in this form's state until the
 * server has exchanged it for an HttpOnly session cookie; it is never stored by the browser.
 */
export function LoginPage() {
  const [key, setKey] = useState('');
  const signIn = useSignIn();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() === '') return;
    signIn.mutate(key.trim(), { onSuccess: () => setKey('') });
  };
  return (
    <main className="center">
      <form className="card login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to LLMTrace</h1>
        <p className="muted">
          Use the admin key or a tenant API key (<code>llmt_…</code>). It is exchanged for a session
          and not kept in this browser.
        </p>
        <label htmlFor="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autoComplete="off"
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        {signIn.error === null ? null : (
          <p className="form-error" role="alert">
            {signIn.error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={signIn.isPending || key.trim() === ''}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
