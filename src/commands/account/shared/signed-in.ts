/**
 * Said after a sign-in when another account was active on the store: it is not signed
 * out, only no longer the active one.
 */
export function stillSignedIn(previous: string | null): string {
  return previous
    ? ` ${previous} stays signed in: \`platformctl account switch ${previous}\` makes it active again.`
    : '';
}
