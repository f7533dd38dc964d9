import type { FormEvent, InputHTMLAttributes, ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The URL's query and a setter that changes some of its parameters and keeps the others: filters
 * live in the URL so a filtered view is a shareable link. `undefined` or `''` removes a parameter.
 */
export function useUrlParams(): readonly [
  URLSearchParams,
  (changes: Record<string, string | undefined>) => void,
] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  };
  return [params, update] as const;
}

/**
 * A row of filters. With `onSubmit` it is a form (text inputs apply on Enter, not on every
 * keystroke, so typing does not refetch); without, a labelled group of controls that apply at once.
 */
export function FilterBar({
  label,
  onSubmit,
  children,
}: {
  /** The accessible name of the form or group ("Trace filters"). */
  label: string;
  onSubmit?: () => void;
  children: ReactNode;
}) {
  if (onSubmit === undefined) {
    return (
      <div className="filters" role="group" aria-label={label}>
        {children}
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="filters" onSubmit={submit} aria-label={label}>
      {children}
    </form>
  );
}

/** A labelled select whose first option, "any", clears the filter (value `''`). */
export function SelectFilter({
  label,
  value,
  options,
  labels,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: readonly string[];
  /** What an option reads as, when not its value. */
  labels?: Readonly<Record<string, string>>;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A labelled text input (its label is its accessible name). */
export function TextFilter({
  label,
  value,
  onChange,
  ...input
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <label>
      {label} <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
