// POST /api/bench/empty: an empty handler, the framework's floor for the ticket-push benchmark
export async function POST() {
  return new Response("success");
}
