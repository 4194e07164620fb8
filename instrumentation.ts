// Start-up work for every server instance: open the database (applying migrations) and start background jobs.
export async function register() {
  // The edge runtime has no database; NEXT_RUNTIME is the framework's own switch, not configuration.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getPlatform } = await import("./lib/platform");
  const { startBackgroundJobs } = await import("./lib/background");
  const { log } = await import("./lib/log");
  const { ensureStaffAccount } = await import("./lib/auth/staff");
  const platform = await getPlatform();
  if (platform.env.staff) {
    await ensureStaffAccount(platform.database.db, platform.env.staff);
    if (platform.env.staff.demo) {
      // Dev and sandbox only: a printed demo login, so the staff console can be tried at once.
      console.log(`\n  Demo staff login: ${platform.env.staff.email} / ${platform.env.staff.password}  (set STAFF_EMAIL/STAFF_PASSWORD to replace)\n`);
    }
  }
  if (platform.env.backgroundJobs) startBackgroundJobs(platform);
  log.info("portal ready", {
    appUrl: platform.env.appUrl,
    database: platform.database.kind,
    sandbox: platform.env.sandbox ? `${platform.env.appUrl}/sandbox` : "off",
  });
}
