import { sealedAt, SecretBoxError, type SecretBox } from "@/lib/secrets";
import { generateWebhookSecret } from "./signature";

/** What the merchant's forwarding panel shows for the signing secret. */
export type WebhookSecretView = { kind: "none" } | { kind: "shown"; secret: string } | { kind: "unreadable" };

/** A new signing secret for the merchant, sealed to their row. */
export function sealNewWebhookSecret(box: SecretBox, merchantId: string): string {
  return box.seal(generateWebhookSecret(), sealedAt.merchantWebhookSecret(merchantId));
}

/**
 * The merchant's signing secret, opened only as their own: a value that does not open in their row (copied there
 * from another row or column, or under a key no longer configured) is not shown. The box has logged where it was
 * read; the merchant sees an error and can rotate the secret.
 */
export function viewWebhookSecret(box: SecretBox, merchantId: string, sealed: string | null): WebhookSecretView {
  if (!sealed) return { kind: "none" };
  try {
    return { kind: "shown", secret: box.open(sealed, sealedAt.merchantWebhookSecret(merchantId)) };
  } catch (error) {
    if (error instanceof SecretBoxError) return { kind: "unreadable" };
    throw error;
  }
}
