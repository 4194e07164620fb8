import type { NextRequest } from "next/server";
import { connection } from "next/server";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/guards";
import { parseStaffListParams } from "@/lib/staff/authorization-list-params";
import { exportStaffAuthorizations } from "@/lib/staff/export-authorizations";

// GET /staff/authorizations/export: the staff list as CSV (the list's filters), streamed, audited.
export async function GET(request: NextRequest) {
  await connection();
  // requireStaff() semantics as responses (a handler has no login page to render): anonymous → sign in and come
  // back here; signed in without a staff role → 403. The role is re-read from the database by currentUser().
  const user = await currentUser();
  if (!user) {
    const back = `${request.nextUrl.pathname}${request.nextUrl.search}`;
    return new Response(null, { status: 302, headers: { location: `/login?callbackUrl=${encodeURIComponent(back)}` } });
  }
  if (user.role !== "staff" && user.role !== "admin") {
    return new Response("403 Forbidden: staff only", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const params = parseStaffListParams(request.nextUrl.searchParams);
  const { filename, stream } = await exportStaffAuthorizations(
    await getDb(),
    { userId: user.id, email: user.email },
    params,
  );
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
