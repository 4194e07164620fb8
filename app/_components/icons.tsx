/** A 20×20 solid icon drawn by one path, hidden from assistive technology (the text beside it says what it means). */
function SolidIcon({ d, className }: { d: string; className: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={className} fill="currentColor">
      <path fillRule="evenodd" d={d} clipRule="evenodd" />
    </svg>
  );
}

/** ‹ (back links). */
export function ChevronLeftIcon({ className }: { className: string }) {
  return (
    <SolidIcon
      className={className}
      d="M12.8 5.2a.75.75 0 0 1 0 1.06L9.06 10l3.74 3.74a.75.75 0 1 1-1.06 1.06l-4.27-4.27a.75.75 0 0 1 0-1.06l4.27-4.27a.75.75 0 0 1 1.06 0Z"
    />
  );
}

/** › (a card that opens a page, a "next" link). */
export function ChevronRightIcon({ className }: { className: string }) {
  return (
    <SolidIcon
      className={className}
      d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06L8.26 14.8a.75.75 0 0 1-1.06 0Z"
    />
  );
}

/** The picture of an empty state: a 24×24 line icon (its paths are the children) in a badge styled by `className`. */
export function EmptyStateIcon({ className, children }: { className: string; children: React.ReactNode }) {
  return (
    <div aria-hidden="true" className={className}>
      <svg
        viewBox="0 0 24 24"
        className="h-6 w-6"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        {children}
      </svg>
    </div>
  );
}
