// sandbox/: the only room that starts processes. Tools run commands through runCommand();
// the CLI inspects backends and plans through the rest.
export * from './types.ts';
export { runCommand, networkFor, SandboxRefused, type CommandRequest, type CommandOptions } from './run.ts';
export { resolveSandbox, placement, MAIN_AGENT, type ResolvedSandbox, type SandboxSettingsInput, type Placement, type SandboxMode, type SandboxScope } from './settings.ts';
export { selectBackend, backendStatus, backendsByName, type BackendStatus } from './select.ts';
export { envNameProblem } from './env.ts';
export { launchSandboxedBrowser, browserUnavailable, type SandboxedBrowser, type BrowserLaunchOptions } from './browser.ts';
