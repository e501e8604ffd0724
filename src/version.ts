/** Replaced at build time from package.json (see scripts/build.mjs). */
declare const __PLATFORMCTL_VERSION__: string | undefined;
export const VERSION: string = typeof __PLATFORMCTL_VERSION__ === 'string' ? __PLATFORMCTL_VERSION__ : '0.0.0-dev';
