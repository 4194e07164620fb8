import type { ReactNode } from "react";

/** The frame of the sandbox's copies of WeChat's mobile pages: a title, then the page or an invalid-link notice. */
export function MobilePage({
  title,
  invalid,
  children,
}: {
  title: string;
  /** Shown instead of the page when set. */
  invalid?: { testId: string; text: string };
  children: ReactNode;
}) {
  return (
    <main className="mx-auto min-h-screen max-w-md bg-[#ededed] px-4 py-8 text-black/90">
      <h1 className="text-center text-lg font-medium">{title}</h1>
      {invalid ? (
        <p data-testid={invalid.testId} className="mt-8 rounded bg-white p-4 text-center">
          {invalid.text}
        </p>
      ) : (
        children
      )}
    </main>
  );
}
