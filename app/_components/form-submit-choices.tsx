"use client";

import { useState } from "react";
import { Spinner } from "./submit-button";

export interface SubmitChoice<V extends string | number> {
  value: V;
  label: string;
  /** Shown instead of `label` on the clicked button while the action runs; by default the label stays. */
  pendingLabel?: string;
  className: string;
  testId?: string;
}

/**
 * A form's row of submit buttons, each posting `name` with its own value: all are disabled while the action runs,
 * and the one clicked shows the spinner.
 */
export function SubmitChoices<V extends string | number>({
  name,
  pending,
  choices,
}: {
  name: string;
  pending: boolean;
  choices: SubmitChoice<V>[];
}) {
  const [clicked, setClicked] = useState<V | null>(null);
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
      {choices.map((choice) => {
        const busy = pending && clicked === choice.value;
        return (
          <button
            key={choice.value}
            type="submit"
            name={name}
            value={choice.value}
            data-testid={choice.testId}
            disabled={pending}
            onClick={() => setClicked(choice.value)}
            className={choice.className}
          >
            {busy ? <Spinner /> : null}
            {busy ? (choice.pendingLabel ?? choice.label) : choice.label}
          </button>
        );
      })}
    </div>
  );
}
