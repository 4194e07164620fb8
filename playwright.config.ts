import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a browser download (docs/toolchain.md G13). The app is started by tests/e2e/global-setup.ts
// on a free port with a fresh database, and E2E_BASE_URL points the workers at it.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  globalSetup: "./tests/e2e/global-setup.ts",
  // Most tests sign up or in, each a scrypt at OWASP's cost (lib/auth/password.ts): about a second on two idle
  // cores, several seconds on a busy machine, so a flow of a few such steps needs room.
  timeout: 120_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    locale: "zh-CN",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined }, testIgnore: /\.phone\.spec\.ts$/ },
    // The phone project runs the pages every visitor sees, the phone-only flows and the accessibility audit.
    { name: "phone", use: { ...devices["Pixel 7"], channel: undefined }, testMatch: /(home|a11y|\.phone)\.spec\.ts$/ },
  ],
});
