import { startAppServer } from "../support/app-server";

export default async function globalSetup() {
  const server = await startAppServer();
  process.env.E2E_BASE_URL = server.url;
  return async () => {
    await server.stop();
    await server.database.drop();
  };
}
