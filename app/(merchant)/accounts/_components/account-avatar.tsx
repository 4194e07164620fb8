"use client";

import { useState } from "react";

const PALETTE = [
  "bg-emerald-600",
  "bg-sky-600",
  "bg-violet-600",
  "bg-amber-600",
  "bg-rose-600",
  "bg-teal-600",
  "bg-indigo-600",
];

function colorFor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? "bg-slate-500";
}

/** WeChat's image hosts refuse other sites' Referer and serve https too. */
function imageUrl(src: string): string {
  try {
    const url = new URL(src);
    if (url.protocol === "http:" && /(^|\.)(qlogo\.cn|qpic\.cn)$/.test(url.hostname)) url.protocol = "https:";
    return url.toString();
  } catch {
    return src;
  }
}

/** The account's head image, or a colored circle with the first character of its name. */
export function AccountAvatar({
  src,
  name,
  seed,
  size = "md",
}: {
  src: string | null;
  name: string;
  seed: string;
  size?: "md" | "lg";
}) {
  // The source that failed to load: a new src gets its own try.
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const failed = failedSrc !== null && failedSrc === src;
  const box = size === "lg" ? "h-16 w-16 text-2xl" : "h-12 w-12 text-lg";
  if (!src || failed) {
    const initial = Array.from(name.trim())[0];
    return (
      <span
        aria-hidden="true"
        className={`flex shrink-0 items-center justify-center rounded-full font-semibold text-white ${box} ${initial ? colorFor(seed) : "bg-slate-300"}`}
      >
        {initial ? initial.toUpperCase() : "?"}
      </span>
    );
  }
  // A plain <img>: WeChat's hosts need no-referrer, and the image optimizer would fetch them server-side.
  return (
    // eslint-disable-next-line @next/next/no-img-element -- next/image would fetch WeChat's images server-side
    <img
      // An image that failed before hydration never fires onError on the client.
      ref={(img) => {
        if (img?.complete && img.naturalWidth === 0) setFailedSrc(src);
      }}
      src={imageUrl(src)}
      alt=""
      referrerPolicy="no-referrer"
      onError={() => setFailedSrc(src)}
      className={`shrink-0 rounded-full bg-slate-100 object-cover ${box}`}
    />
  );
}
