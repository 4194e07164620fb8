"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { SubmitChoices } from "@/app/_components/form-submit-choices";
import { useStaffMessage } from "../../../_components/staff-message";
import { decideReviewAction, resolveConflictAction, type ReviewFormState } from "../actions";

export interface ReviewFormLabels {
  note: string;
  noteHint: string;
  submitting: string;
  reload: string;
}

const BUTTON =
  "inline-flex min-h-11 items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-semibold shadow-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-wait disabled:opacity-60";

type Tone = "emerald" | "red" | "amber" | "slate";
const TONES: Record<Tone, string> = {
  emerald: "bg-emerald-600 text-white hover:bg-emerald-700 focus-visible:outline-emerald-600",
  red: "bg-red-600 text-white hover:bg-red-700 focus-visible:outline-red-600",
  amber: "bg-amber-500 text-amber-950 hover:bg-amber-400 focus-visible:outline-amber-500",
  slate: "bg-white text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50 focus-visible:outline-slate-500",
};

interface Choice {
  value: string;
  label: string;
  tone: Tone;
  testId: string;
}

export type ReviewFormMode =
  { kind: "review"; expectedStatus: string; expectedReviewedAt: string } | { kind: "conflict"; contestedBy: string };

export interface ReviewFormChoices {
  approve: string;
  reject: string;
  needsInfo: string;
  keepOwner: string;
  transfer: string;
  conflictNoteHint: string;
}

/** One action state for both modes: after a conflict is resolved the review form takes its place and keeps the message. */
function submit(prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  return formData.has("resolution") ? resolveConflictAction(prev, formData) : decideReviewAction(prev, formData);
}

/**
 * The review form: 通过 / 拒绝 / 需要补充信息, or while an ownership conflict is open 保留当前商户 / 转移给申请的商户.
 * It carries what the page rendered (the review status and last decision time, or the claimant), so a decision
 * made meanwhile is refused instead of overwritten. The note is required and survives a failed attempt (the
 * textarea is controlled, so React's form reset after an action does not wipe it); every button is disabled
 * while the action runs.
 */
export function ReviewForm({
  appId,
  mode,
  labels,
  maxLength,
}: {
  appId: string;
  mode: ReviewFormMode;
  labels: ReviewFormLabels & ReviewFormChoices;
  maxLength: number;
}) {
  const router = useRouter();
  const translate = useStaffMessage();
  const [note, setNote] = useState("");
  const [state, formAction, pending] = useActionState(async (prev: ReviewFormState, formData: FormData) => {
    const next = await submit(prev, formData);
    if (next?.ok) setNote("");
    return next;
  }, undefined);
  const conflict = mode.kind === "conflict";
  const testId = conflict ? "conflict-form" : "review-form";
  const name = conflict ? "resolution" : "decision";
  const hidden: Record<string, string> = conflict
    ? { appId, expectedContestedBy: mode.contestedBy }
    : { appId, expectedStatus: mode.expectedStatus, expectedReviewedAt: mode.expectedReviewedAt };
  const choices: Choice[] = conflict
    ? [
        { value: "keep_owner", label: labels.keepOwner, tone: "slate", testId: "conflict-keep-owner" },
        { value: "transfer", label: labels.transfer, tone: "amber", testId: "conflict-transfer" },
      ]
    : [
        { value: "approve", label: labels.approve, tone: "emerald", testId: "review-approve" },
        { value: "reject", label: labels.reject, tone: "red", testId: "review-reject" },
        { value: "needs_info", label: labels.needsInfo, tone: "amber", testId: "review-needs-info" },
      ];
  const noteError = !pending && state && !state.ok ? state.fieldErrors?.note : undefined;
  const id = "review-note";
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <form action={formAction} noValidate aria-busy={pending} data-testid={testId} className="flex flex-col gap-3">
      {Object.entries(hidden).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      {!pending && state?.ok ? (
        <p
          role="status"
          data-testid="review-success"
          className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          {translate(state.message)}
        </p>
      ) : null}
      {!pending && state && !state.ok ? (
        <div className="flex flex-col gap-2">
          <FormError message={state.message} />
          {state.stale ? (
            <button
              type="button"
              data-testid="review-reload"
              onClick={() => router.refresh()}
              className="inline-flex min-h-10 w-fit items-center rounded-lg px-3 text-sm font-medium text-slate-700 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
            >
              {labels.reload}
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-col gap-1.5">
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {labels.note}
        </label>
        <textarea
          id={id}
          name="note"
          data-testid="review-note-input"
          rows={4}
          required
          maxLength={maxLength}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          readOnly={pending}
          aria-invalid={noteError ? true : undefined}
          aria-describedby={noteError ? errorId : hintId}
          className={`w-full resize-y rounded-lg border bg-white px-3 py-2.5 text-base text-slate-900 shadow-xs outline-none transition-colors focus:ring-2 sm:text-sm ${
            noteError
              ? "border-red-400 focus:border-red-500 focus:ring-red-100"
              : "border-slate-300 focus:border-emerald-600 focus:ring-emerald-100"
          }`}
        />
        <div className="flex items-start justify-between gap-3 text-xs">
          {noteError ? (
            <p id={errorId} data-testid="note-error" className="text-sm text-red-700">
              {translate(noteError)}
            </p>
          ) : (
            <p id={hintId} className="text-slate-500">
              {conflict ? labels.conflictNoteHint : labels.noteHint}
            </p>
          )}
          <span
            aria-hidden="true"
            className={`shrink-0 tabular-nums ${note.length > maxLength ? "text-red-700" : "text-slate-500"}`}
          >
            {note.length}/{maxLength}
          </span>
        </div>
      </div>
      <SubmitChoices
        name={name}
        pending={pending}
        choices={choices.map((choice) => ({ ...choice, className: `${BUTTON} ${TONES[choice.tone]}` }))}
      />
      <p role="status" className="sr-only">
        {pending ? labels.submitting : ""}
      </p>
    </form>
  );
}
