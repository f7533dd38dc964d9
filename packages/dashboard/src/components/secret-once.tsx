import { useId, useRef, useState } from 'react';

/**
 * A newly created secret (an API key, a canary value), shown once: after this panel is closed it
 * cannot be read again. `title` names the panel and the field.
 */
export function SecretOnce({
  title,
  secret,
  note,
  onClose,
}: {
  title: string;
  secret: string;
  /** Why it cannot be shown again ("LLMTrace keeps only its hash."). */
  note: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const field = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // The clipboard API needs a secure context; select the text so Ctrl+C works instead.
      field.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div className="card new-key" role="alertdialog" aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      <p>
        Copy it now: it is shown <strong>only once</strong>. {note}
      </p>
      <div className="row">
        <input
          ref={field}
          readOnly
          value={secret}
          aria-label={title}
          className="mono wide"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' ? (
        <p className="muted">Copying is blocked here; the value is selected — press Ctrl+C.</p>
      ) : null}
      <button type="button" className="primary" onClick={onClose}>
        I have stored it
      </button>
    </div>
  );
}
