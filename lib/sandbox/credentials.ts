/**
 * The sandbox platform's credentials: what a developer would copy from the open-platform console,
 * made up for the simulator. Used when no real WECHAT_COMPONENT_* variables are set.
 */
export const SANDBOX_COMPONENT = {
  appId: "wx5a4db0c0f1e2d3c4",
  appSecret: "5a4db0c0f1e2d3c45a4db0c0f1e2d3c4",
  token: "SandboxPortalToken",
  encodingAesKey: "SandboxAesKey0123456789abcdefghijklmnopqrst",
  name: "微信开放平台沙箱 · 授权门户",
} as const;

/**
 * The sandbox's demo staff login, printed at start so the console can be tried at once. Its password is public:
 * it exists only while the sandbox runs, and a start outside the sandbox disables a leftover one.
 */
export const DEMO_STAFF = { email: "staff@demo.local", password: "demo-staff-password" } as const;
