/**
 * The `vetline.*` settings contract. Launch settings (`path`, `interpreter`) stay in the client
 * and restart the server when they change; every other key declared in package.json is sent
 * to the server as-is (camelCase, under the `vetline` section) and applied without a restart.
 */
import * as vscode from 'vscode';

export const SECTION = 'vetline';

/** Keys that decide which process runs, so they need a restart instead of a notification. */
export const LAUNCH_KEYS: readonly string[] = ['path', 'interpreter'];

export interface LaunchSettings {
    path: string[];
    interpreter: string[];
}

/** Accepts both `"vetline.path": "/x/vetline"` and `["/x/vetline"]`, as users write either. */
export function asArgv(value: unknown): string[] {
    if (typeof value === 'string') {
        return value.trim() ? [value] : [];
    }
    if (Array.isArray(value)) {
        return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
    }
    return [];
}

/** Expands `${workspaceFolder}` so per-project venvs can be written portably. */
function expand(argv: string[], scope?: vscode.WorkspaceFolder): string[] {
    const folder = scope?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    return argv.map((arg) => arg.replace(/\$\{workspaceFolder\}/g, folder));
}

export function launchSettings(scope?: vscode.WorkspaceFolder): LaunchSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    return {
        path: expand(asArgv(config.get('path')), scope),
        interpreter: expand(asArgv(config.get('interpreter')), scope),
    };
}

/** The keys package.json declares, read back from the manifest so the two cannot drift. */
export function serverKeys(manifest: { contributes?: { configuration?: { properties?: object } } }): string[] {
    const properties = Object.keys(manifest.contributes?.configuration?.properties ?? {});
    return properties
        .map((name) => name.slice(SECTION.length + 1))
        .filter((key) => key.length > 0 && !LAUNCH_KEYS.includes(key));
}

/** The server's view of the settings for one scope: plain JSON, launch keys removed. */
export function serverSettings(keys: string[], scope?: vscode.ConfigurationScope): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    const settings: Record<string, unknown> = {};
    for (const key of keys) {
        const value = config.get(key);
        if (value !== undefined) {
            settings[key] = JSON.parse(JSON.stringify(value));
        }
    }
    return settings;
}

export function affectsLaunch(event: vscode.ConfigurationChangeEvent): boolean {
    return LAUNCH_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
