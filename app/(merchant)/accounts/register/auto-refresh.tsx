"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-renders the task page from the server every `intervalMs` while it is waiting (live status). */
export function AutoRefresh({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, router]);
  return null;
}
