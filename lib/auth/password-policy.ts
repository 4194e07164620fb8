/**
 * What a new password must be, for every form that sets one (merchant sign-up, staff invitation) and the checks
 * behind them. No server-only imports: the forms read it for their `minLength`.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
