/**
 * Entry point: wires the commands, the status bar, settings changes and Python-interpreter
 * changes to the ServerController. Everything that talks to the server lives in client.ts.
 */
import * as vscode from 'vscode';
import { ServerController } from './client';
import { onInterpreterChange } from './python';
import { affectsLaunch, launchSettings, SECTION, serverKeys } from './settings';
import { StatusItem } from './status';

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('vetline', { log: true });
    const status = new StatusItem();
    const server = new ServerController(output, status, serverKeys(context.extension.packageJSON));
    controller = server;
    context.subscriptions.push(
        output,
        status,
        server,
        vscode.commands.registerCommand('vetline.restart', () => server.restart()),
        vscode.commands.registerCommand('vetline.scan', () => server.scanWorkspace()),
        vscode.commands.registerCommand('vetline.analyzeFile', () => server.analyzeFile()),
        vscode.commands.registerCommand('vetline.showOutput', () => output.show()),
        vscode.languages.onDidChangeDiagnostics(() => status.refresh()),
        vscode.window.onDidChangeActiveTextEditor(() => status.refresh()),
        vscode.workspace.onDidChangeConfiguration((event) => onSettingsChanged(event, server)),
    );
    const interpreterWatch = await onInterpreterChange(() => onInterpreterChanged(server));
    if (interpreterWatch) {
        context.subscriptions.push(interpreterWatch);
    }
    await server.start();
}

export async function deactivate(): Promise<void> {
    await controller?.stop();
}

function onSettingsChanged(event: vscode.ConfigurationChangeEvent, server: ServerController): Promise<void> {
    if (affectsLaunch(event)) {
        return server.restart();
    }
    return event.affectsConfiguration(SECTION) ? server.pushSettings() : Promise.resolve();
}

/** The Python extension's interpreter only matters when no vetline setting overrides it. */
function onInterpreterChanged(server: ServerController): Promise<void> {
    const settings = launchSettings(vscode.workspace.workspaceFolders?.[0]);
    const overridden = settings.path.length > 0 || settings.interpreter.length > 0;
    return overridden ? Promise.resolve() : server.restart();
}
