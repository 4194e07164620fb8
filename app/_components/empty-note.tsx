/** The sentence a panel shows in place of its list while the list is empty. */
export function EmptyNote({ testId, children }: { testId?: string; children: React.ReactNode }) {
  return (
    <p data-testid={testId} className="mt-3 text-sm text-slate-600">
      {children}
    </p>
  );
}
