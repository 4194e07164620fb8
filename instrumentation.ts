// Start-up work for every server instance: check the environment, open the database (applying migrations) and
// start background jobs.
export async function register() {
  // The edge runtime has no database; NEXT_RUNTIME is the framework's own switch, not configuration.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First, and on its own: a bad or missing setting ends the process with one message per variable.
  const { getEnvOrExit } = await import("./lib/startup");
  const env = getEnvOrExit();
  // Traces only when an OTLP endpoint is configured (lib/tracing/register.ts says why @vercel/otel).
  if (env.otlpEndpoint) (await import("./lib/tracing/register")).registerTracing();
  const { getPlatform } = await import("./lib/platform");
  const { startBackgroundJobs } = await import("./lib/background");
  const { log } = await import("./lib/log");
  const { disableLeftoverDemoAccount, ensureStaffAccount } = await import("./lib/auth/staff");
  const platform = await getPlatform();
  if (!env.sandbox && (await disableLeftoverDemoAccount(platform.database.db))) {
    // Security: a sandbox run left its demo admin (a public password) in this database.
    log.warn("disabled the sandbox's demo staff account staff@demo.local: it exists only while the sandbox runs", {});
  }
  if (env.staff) {
    await ensureStaffAccount(platform.database.db, env.staff);
    if (env.staff.demo) {
      // Sandbox only: a printed demo login, so the staff console can be tried at once.
      console.log(
        `\n  Demo staff login: ${env.staff.email} / ${env.staff.password}  (set STAFF_EMAIL/STAFF_PASSWORD to replace)\n`,
      );
    }
  }
  if (env.backgroundJobs) startBackgroundJobs(platform);
  log.info("portal ready", {
    appUrl: env.appUrl,
    database: platform.database.kind,
    sandbox: env.sandbox ? `${env.appUrl}/sandbox` : "off",
  });
}
