// /api/auth/*: next-auth's own endpoints (session, CSRF token, sign-in/out callbacks)
import { handlers } from "@/lib/auth";

export const { GET, POST } = handlers;
