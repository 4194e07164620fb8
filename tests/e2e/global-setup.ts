import { startAppServer } from "../support/app-server";

/** The service key the e2e tests use on the internal token route. */
export const E2E_INTERNAL_KEY = "e2e-internal-service-key-0123456789";

export default async function globalSetup() {
  const server = await startAppServer({ env: { INTERNAL_API_KEYS: E2E_INTERNAL_KEY } });
  process.env.E2E_BASE_URL = server.url;
  return async () => {
    await server.stop();
    await server.database.drop();
  };
}
