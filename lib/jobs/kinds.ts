import type { BatchKind } from "@/lib/jobs/batches";
import type { Platform } from "@/lib/platform";
import { releaseKind } from "@/lib/releases/release-kind";
import { setupApplyKind } from "@/lib/setup/batch";

/**
 * Every kind of batch the portal runs, one line each (release center: `release`; setup: `setup`). The engine
 * claims targets only of the kinds listed here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own params type
export const BATCH_KINDS: BatchKind<Platform, any>[] = [releaseKind, setupApplyKind];
