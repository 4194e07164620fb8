"use client";

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";

/**
 * `useActionState` for a form whose input must survive a refusal. React resets a `<form action>` after every
 * submission, so a refused entry (an unregistered domain, a bad URL) would vanish with its error beside it. This
 * dispatches the submission by hand instead (`action` stays for submitting without JavaScript), so what was typed
 * stays; with `resetOnSuccess` the form is cleared once the action succeeds (a list being added to).
 *
 * Spread `formProps` on the `<form>`.
 */
export function useKeptFormAction<State extends { ok: boolean }>(
  action: (prev: State | undefined, formData: FormData) => Promise<State | undefined>,
  { resetOnSuccess = false }: { resetOnSuccess?: boolean } = {},
) {
  const [state, formAction, pending] = useActionState<State | undefined, FormData>(action, undefined);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (resetOnSuccess && state?.ok) form.current?.reset();
  }, [state, resetOnSuccess]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The clicked button's name and value go with the fields, as in a native submission.
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => formAction(data));
  };
  return { state, pending, formProps: { ref: form, action: formAction, onSubmit } };
}
