/** The password of users made by the e2e harness (shared with test/global-setup.ts). */
export const PASSWORD = 'correct horse battery';
