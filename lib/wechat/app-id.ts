import { z } from "zod";

/** An AppID as WeChat issues them (accounts and platforms alike): `wx` and 16 letters or digits. */
export const APP_ID_PATTERN = /^wx[0-9a-zA-Z]{16}$/;

/** The text is a catalog key (messages/<locale>/errors.json): the page that shows it translates it. */
export const appIdSchema = z.string().regex(APP_ID_PATTERN, { error: "errors.invalidAppId" });
