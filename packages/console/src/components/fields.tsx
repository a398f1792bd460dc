/** Labelled inputs for the company forms: every input has a visible label, a test id, and marks itself invalid. */
import type { ReactNode } from 'react';

export function TextField({
  label,
  id,
  value,
  onChange,
  placeholder,
  type = 'text',
  grow,
  multiline,
  invalid,
  inputMode,
}: {
  label: string;
  id: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  type?: string;
  grow?: boolean;
  multiline?: boolean;
  invalid?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'text';
}): ReactNode {
  return (
    <label htmlFor={id} className={grow ? 'grow' : undefined}>
      <span>{label}</span>
      {multiline ? (
        <textarea
          id={id}
          data-testid={id}
          value={value}
          rows={3}
          placeholder={placeholder}
          aria-invalid={invalid === true ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          id={id}
          data-testid={id}
          type={type}
          value={value}
          placeholder={placeholder}
          inputMode={inputMode}
          aria-invalid={invalid === true ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </label>
  );
}

/** A group of checkboxes (e.g. carriers, featured listings) with a legend. */
export function CheckList({
  legend,
  id,
  options,
  chosen,
  onChange,
}: {
  legend: string;
  id: string;
  options: ReadonlyArray<{ value: string; label: ReactNode; disabled?: boolean }>;
  chosen: readonly string[];
  onChange: (v: string[]) => void;
}): ReactNode {
  return (
    <fieldset className="checklist" data-testid={id}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} htmlFor={`${id}-${o.value}`} className="check">
          <input
            id={`${id}-${o.value}`}
            data-testid={`${id}-${o.value}`}
            type="checkbox"
            checked={chosen.includes(o.value)}
            disabled={o.disabled}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))
            }
          />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
