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
const METRICS_REFRESH_MS = 3000; // the weekly count changes slowly: ask the server at most this often

/** Runs `action` at most once per `delayMs`, after the first request of each window. */
class Throttle implements vscode.Disposable {
    private timer: ReturnType<typeof setTimeout> | undefined;

    constructor(
        private readonly delayMs: number,
        private readonly action: () => Promise<void>,
    ) {}

    request(): void {
        this.timer ??= setTimeout(() => {
            this.timer = undefined;
            void this.action();
        }, this.delayMs);
    }

    dispose(): void {
        clearTimeout(this.timer);
    }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('vetline', { log: true });
    const status = new StatusItem();
    const server = new ServerController(output, status, serverKeys(context.extension.packageJSON));
    controller = server;
    const metrics = new Throttle(METRICS_REFRESH_MS, async () => status.setMetrics(await server.metricsSummary()));
    context.subscriptions.push(
        output,
        status,
        server,
        metrics,
        vscode.commands.registerCommand('vetline.restart', () => server.restart()),
        vscode.commands.registerCommand('vetline.scan', () => server.scanWorkspace()),
        vscode.commands.registerCommand('vetline.analyzeFile', () => server.analyzeFile()),
        vscode.commands.registerCommand('vetline.showOutput', () => output.show()),
        vscode.commands.registerCommand('vetline.showReport', () => server.showReport()),
        vscode.languages.onDidChangeDiagnostics(() => {
            status.refresh();
            metrics.request();
        }),
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
