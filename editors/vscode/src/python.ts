/**
 * The Python extension (ms-python.python) as an optional source of the interpreter, like the
 * vscode-python-tools-extension-template does it. Only the few API members used are typed so
 * the extension has no dependency on @vscode/python-extension; everything degrades to
 * `undefined` when the Python extension is absent or its API changes shape.
 */
import * as vscode from 'vscode';

interface PythonEnvironmentsApi {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

async function environmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
    const extension = vscode.extensions.getExtension('ms-python.python');
    if (!extension) {
        return undefined;
    }
    try {
        const api = extension.isActive ? extension.exports : await extension.activate();
        return (api as { environments?: PythonEnvironmentsApi } | undefined)?.environments;
    } catch {
        return undefined;
    }
}

/** The active interpreter of the Python extension for `resource`, if there is one. */
export async function activeInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
    const api = await environmentsApi();
    if (!api) {
        return undefined;
    }
    try {
        const env = await api.resolveEnvironment(api.getActiveEnvironmentPath(resource));
        const executable = env?.executable.uri?.fsPath;
        return executable ? [executable] : undefined;
    } catch {
        return undefined;
    }
}

/** Calls `listener` when the user picks another interpreter in the Python extension. */
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
    const api = await environmentsApi();
    return api?.onDidChangeActiveEnvironmentPath(listener);
}
