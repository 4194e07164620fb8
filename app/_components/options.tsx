type Value = string | number;

/** An option: a value and what the list shows for it, or a value shown as itself. */
export type Choice = Value | { value: Value; label: string };

/** The <option>s of a select or a datalist, one for each choice, in order. */
export function Options({ choices }: { choices: readonly Choice[] }) {
  return choices.map((choice) => {
    const { value, label } = typeof choice === "object" ? choice : { value: choice, label: choice };
    return (
      <option key={value} value={value}>
        {label}
      </option>
    );
  });
}
